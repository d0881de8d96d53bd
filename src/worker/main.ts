import { mkdirSync, rmdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadedConfig } from '../config/config.js';
import { configForSession } from '../config/session-config.js';
import { isSafeId } from '../ids.js';
import { createLogger, type Logger } from '../log.js';
import { stateDir, statePaths } from '../paths.js';
import { busyTimeoutMs, openDb, type Db } from '../state/db.js';
import { isStateDbError, retryBusy, sqliteCode } from '../state/db-errors.js';
import { releaseLock, tryLock } from '../state/session-lock.js';
import { AliveFile } from './alive-file.js';
import { registerWorker } from './registry.js';
import { drainSession, type DrainContext } from './drain.js';
import { sessionsWithHeldWindows } from '../state/unwritten-windows.js';
import { getSession } from '../state/sessions.js';
import { collectGarbage } from './idle-memory.js';
import { lingerFor } from './linger.js';
import { hasJobs } from './jobs.js';
import { flushWindows } from './flush-windows.js';
import { closeIdleWindows } from './idle-sweep.js';
import { drainStranded } from './stranded.js';
import { sweep } from './sweep.js';

/**
 * The detached worker a hook starts: `node worker/main.js <session_id>`. It drains the jobs the
 * hooks spooled for that session under the session lock, then stays for a while
 * (`worker.linger_seconds`) watching the spool, so the hooks of the next turns find it alive and
 * skip starting a process (see alive-file.ts). A hook that fires while another worker holds the
 * session leaves its job in the spool, and the holder takes it before it leaves: no trigger is
 * ever dropped, none runs twice.
 */
export async function workerMain(sessionId: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const dir = stateDir(env);
  const log = createLogger(dir);
  if (!isSafeId(sessionId)) {
    log.warn({ sessionId: sessionId.slice(0, 200) }, 'worker started with an unsafe session id; ignored');
    return;
  }
  const spool = statePaths(dir).sessionSpool(sessionId);
  mkdirSync(spool, { recursive: true, mode: 0o700 });
  const alive = new AliveFile(spool);
  if (!alive.claim()) {
    log.debug({ session: sessionId }, 'another worker is alive for this session; it takes our job');
    return;
  }
  const unregister = registerWorker(dir, sessionId);
  const settingMs = configForSession(null, env).config.worker.linger_seconds * 1000;
  let lingerMs = settingMs;
  const busyMs = busyTimeoutMs(env);
  let db: Db | null = null;
  try {
    const open = () => retryBusy('open', () => openDb(dir, { env }), { log, busyMs });
    let idleSince = Date.now();
    let ended = false;
    for (;;) {
      if (hasJobs(spool)) {
        db ??= await open();
        const previousRun = getSession(db, sessionId)?.updated_at;
        // Locked: `shiplog process` or a worker that won a race holds it and drains the spool.
        ended = (await drainSession({ dir, db, log, env, configFor, busyMs }, sessionId)).ended || ended;
        idleSince = Date.now();
        lingerMs = lingerFor(settingMs, previousRun, idleSince);
        if (!ended && !hasJobs(spool)) {
          // Idle until the next turn, which may be minutes away: hold no database handle (its
          // page cache and statements) and no garbage from the run while waiting.
          db.close();
          db = null;
          collectGarbage();
        }
      }
      if (ended || Date.now() - idleSince >= lingerMs) {
        alive.release();
        if (!hasJobs(spool) || !alive.claim()) break;
        continue;
      }
      await sleep(Math.min(100, lingerMs));
    }
    removeEmptyDir(spool);
    db ??= await open();
    const ctx: DrainContext = { dir, db, log, env, configFor, busyMs };
    await closeIdleWindows(ctx);
    // Sessions no hook told about since (a killed client, hooks off): at most once a minute.
    await sweep(ctx);
    await flushHeldWindows(dir, db, log, env);
    await drainStranded(ctx, { except: sessionId, limit: 20 });
  } catch (err) {
    if (!isStateDbError(err)) throw err;
    // Nothing past the last commit was lost; a job is removed only after its run committed.
    log.warn(
      { err, session: sessionId, code: sqliteCode(err) },
      'state database unavailable; jobs left in the spool for the next worker or shiplog flush',
    );
  } finally {
    alive.release();
    db?.close();
    unregister();
  }
}

/** configForSession, with what it ignored logged. */
export function configFor(repoRoot: string | null, env: NodeJS.ProcessEnv, log: Logger): LoadedConfig {
  const loaded = configForSession(repoRoot, env);
  for (const p of loaded.problems) {
    if (p.refused)
      log.warn(
        { file: p.file, key: p.key },
        'repository config key refused (not trusted); run shiplog trust <repo> to allow it',
      );
    else
      log.warn(
        { file: p.file, key: p.key, message: p.message },
        'invalid configuration ignored; using defaults for it',
      );
  }
  return loaded;
}

/**
 * Windows held back while the LLM evaluator was paused belong to sessions that may never run
 * again (the window SessionEnd closed is the usual one): every worker, on its way out, writes
 * those of any session once the pause is over. While it lasts flushWindows only notes them.
 */
async function flushHeldWindows(dir: string, db: Db, log: Logger, env: NodeJS.ProcessEnv): Promise<void> {
  const held = sessionsWithHeldWindows(db, 20);
  const now = () => new Date().toISOString();
  for (const s of held) {
    const lock = tryLock(db, s.session_id);
    if (!lock) continue;
    try {
      const config = configFor(s.repo, env, log).config;
      const out = await flushWindows({ stateDir: dir, db, log, config, env }, s.session_id, now);
      if (out.written.length > 0)
        log.info(
          { session: s.session_id, written: out.written.length },
          'held windows written after the evaluator pause',
        );
    } catch (err) {
      log.warn({ err, session: s.session_id }, 'held windows not written; will retry later');
    } finally {
      releaseLock(db, lock);
    }
  }
}

function removeEmptyDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (a hook just spooled a job: its own worker handles it) or already gone.
  }
}
