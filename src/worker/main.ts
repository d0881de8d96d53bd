import { mkdirSync, rmdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { loadConfig, type LoadedConfig } from '../config/config.js';
import { isSafeId } from '../ids.js';
import { createLogger, type Logger } from '../log.js';
import { stateDir, statePaths } from '../paths.js';
import { openDb, type Db } from '../state/db.js';
import { releaseLock, tryLock } from '../state/session-lock.js';
import { getSession, recordHookFire } from '../state/sessions.js';
import { AliveFile } from './alive-file.js';
import { findRollout } from './codex-rollouts.js';
import { hasJobs, removeJobs, takeJobs, type SpooledJob } from './jobs.js';
import { flushWindows } from './flush-windows.js';
import { runSession, type RunRequest } from './pipeline.js';
import { holdsReply, holdsTurnComplete, waitForTranscript } from './stop-wait.js';

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
  const lingerMs = loadConfig({ env }).config.worker.linger_seconds * 1000;
  const db = openDb(dir);
  try {
    let idleSince = Date.now();
    let ended = false;
    for (;;) {
      if (hasJobs(spool)) {
        const lock = tryLock(db, sessionId);
        // Locked: `shiplog process` or a worker that won a race holds it and drains the spool.
        if (lock) {
          try {
            for (let jobs = takeJobs(spool, log); jobs.length > 0; jobs = takeJobs(spool, log)) {
              ended = (await runJobs(dir, db, log, sessionId, jobs, env)) || ended;
              removeJobs(jobs);
            }
          } finally {
            releaseLock(db, lock);
          }
        }
        idleSince = Date.now();
      }
      if (ended || Date.now() - idleSince >= lingerMs) {
        alive.release();
        if (!hasJobs(spool) || !alive.claim()) break;
        continue;
      }
      await sleep(Math.min(100, lingerMs));
    }
    removeEmptyDir(spool);
    await closeIdleWindows(dir, db, log, env);
    await flushHeldWindows(dir, db, log, env);
  } finally {
    alive.release();
    db.close();
  }
}

/** Runs one batch of jobs as one run; true when the batch ended the session. */
async function runJobs(dir: string, db: Db, log: Logger, sessionId: string, jobs: SpooledJob[], env: NodeJS.ProcessEnv): Promise<boolean> {
  const last = jobs[jobs.length - 1];
  if (!last) return false;
  for (const { job } of jobs) recordHookFire(db, job.agent, job.payload.hook_event_name, job.received_at);
  const end = jobs.find((j) => j.job.payload.hook_event_name === 'SessionEnd');
  const stop = [...jobs].reverse().find((j) => j.job.payload.hook_event_name === 'Stop');
  const cwd = last.job.payload.cwd;
  const loaded = configFor(cwd, env, log);
  const config = loaded.config;
  const close = end ? (end.job.payload.reason === 'clear' ? 'clear' : 'session-end') : stop && config.changelog.granularity === 'turn' ? 'turn' : null;
  // Codex notify jobs name only the thread; a hook of the same session may have given the path.
  const transcriptPath = [...jobs].reverse().find((j) => j.job.payload.transcript_path)?.job.payload.transcript_path ?? getSession(db, sessionId)?.transcript_path ?? notifyRollout(jobs, sessionId, log);
  if (!transcriptPath) {
    // Codex notify for a thread without a rollout: its title generation, or an --ephemeral session.
    log.info({ session: sessionId, trigger: last.job.payload.hook_event_name }, 'no transcript for this session; jobs dropped');
    return end !== undefined;
  }
  const req: RunRequest = {
    sessionId,
    agent: last.job.agent,
    transcriptPath,
    cwd,
    trigger: last.job.payload.hook_event_name,
    close,
  };
  if (stop && !end) {
    const row = getSession(db, sessionId);
    const turnEnd = req.agent === 'codex' ? holdsTurnComplete(stop.job.payload.turn_id) : holdsReply(stop.job.payload.last_assistant_message);
    const waited = await waitForTranscript(req.transcriptPath, row?.offset ?? 0, turnEnd, config.stop.wait_ms).catch(
      (err: unknown) => {
        log.warn({ err, session: sessionId }, 'could not watch the transcript before the run');
        return 'error' as const;
      },
    );
    log.debug({ session: sessionId, waited }, 'stop wait');
  }
  try {
    const outcome = await runSession({ stateDir: dir, db, log, config }, req);
    log.info(
      { session: sessionId, trigger: req.trigger, jobs: jobs.length, bytes: outcome.bytesRead, lines: outcome.lines, written: outcome.windows.written.length, failed: outcome.windows.failed.length },
      'run done',
    );
  } catch (err) {
    // Logged with its reason by runSession; the cursor did not move past what was stored, so the
    // next trigger for this session picks up from the same place.
    log.warn({ session: sessionId, code: (err as NodeJS.ErrnoException).code }, 'run failed; jobs dropped, state kept');
  }
  return end !== undefined;
}

/** Codex notify names only the thread: its rollout is looked up in the $CODEX_HOME it ran with. */
function notifyRollout(jobs: SpooledJob[], sessionId: string, log: Logger): string | undefined {
  const home = jobs.find((j) => j.job.agent === 'codex' && j.job.payload.codex_home)?.job.payload.codex_home;
  if (home === undefined) return undefined;
  const found = findRollout(home, sessionId);
  if (found) log.debug({ session: sessionId, path: found.path, via: found.source }, 'found the rollout of a notify turn');
  return found?.path;
}

/** The session's config; `cwd` is any folder of the repository (the loader reads its top level's .shiplog.toml). */
function configFor(cwd: string | undefined, env: NodeJS.ProcessEnv, log: Logger): LoadedConfig {
  const loaded = loadConfig({ repo: cwd ?? null, env });
  for (const p of loaded.problems) {
    if (p.refused) log.warn({ file: p.file, key: p.key }, 'repository config key refused (not trusted); run shiplog trust <repo> to allow it');
    else log.warn({ file: p.file, key: p.key, message: p.message }, 'invalid configuration ignored; using defaults for it');
  }
  return loaded;
}

/** Windows of other sessions that have seen no activity for the idle time are closed here. */
async function closeIdleWindows(dir: string, db: Db, log: Logger, env: NodeJS.ProcessEnv): Promise<void> {
  const { config } = loadConfig({ env });
  const cutoff = new Date(Date.now() - config.changelog.idle_minutes * 60_000).toISOString();
  const idle = db
    .prepare(
      `SELECT session_id, agent, transcript_path, cwd FROM sessions
       WHERE ended_at IS NULL AND updated_at < ? AND json_extract(window_state, '$.cur') IS NOT NULL LIMIT 20`,
    )
    .all(cutoff) as { session_id: string; agent: 'claude-code' | 'codex'; transcript_path: string; cwd: string | null }[];
  for (const s of idle) {
    const lock = tryLock(db, s.session_id);
    if (!lock) continue;
    try {
      const sessionConfig = configFor(s.cwd ?? undefined, env, log).config;
      await runSession({ stateDir: dir, db, log, config: sessionConfig }, { sessionId: s.session_id, agent: s.agent, transcriptPath: s.transcript_path, cwd: s.cwd ?? undefined, trigger: 'idle', close: 'idle' });
    } catch (err) {
      log.warn({ err, session: s.session_id }, 'idle close failed; will retry later');
    } finally {
      releaseLock(db, lock);
    }
  }
}

/**
 * Windows held back while the LLM evaluator was paused belong to sessions that may never run
 * again (the window SessionEnd closed is the usual one): every worker, on its way out, writes
 * those of any session once the pause is over. While it lasts flushWindows only notes them.
 */
async function flushHeldWindows(dir: string, db: Db, log: Logger, env: NodeJS.ProcessEnv): Promise<void> {
  const held = db
    .prepare(`SELECT session_id, MIN(repo) AS repo FROM windows WHERE status = 'closing' AND needs_eval = 1 GROUP BY session_id ORDER BY MIN(rowid) LIMIT 20`)
    .all()
    .map((r) => HeldSession.parse(r));
  const now = () => new Date().toISOString();
  for (const s of held) {
    const lock = tryLock(db, s.session_id);
    if (!lock) continue;
    try {
      const config = configFor(s.repo, env, log).config;
      const out = await flushWindows({ stateDir: dir, db, log, config, env }, s.session_id, now);
      if (out.written.length > 0) log.info({ session: s.session_id, written: out.written.length }, 'held windows written after the evaluator pause');
    } catch (err) {
      log.warn({ err, session: s.session_id }, 'held windows not written; will retry later');
    } finally {
      releaseLock(db, lock);
    }
  }
}

const HeldSession = z.object({ session_id: z.string(), repo: z.string() });

function removeEmptyDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (a hook just spooled a job: its own worker handles it) or already gone.
  }
}
