import { parseArgs } from 'node:util';
import { closeAtRunEnd, closePolicy } from '../changelog/close-policy.js';
import { configForSession } from '../config/session-config.js';
import { createLogger, type Logger } from '../log.js';
import { stateDir } from '../paths.js';
import { busyTimeoutMs, type Db, openDb } from '../state/db.js';
import { sessionsWithOpenWork } from '../state/report.js';
import { releaseLock } from '../state/session-lock.js';
import { configFor } from '../worker/main.js';
import { runSession } from '../worker/pipeline.js';
import { sessionRepo } from '../worker/session-repo.js';
import { drainStranded, spooledSessions } from '../worker/stranded.js';
import { sweep } from '../worker/sweep.js';
import { waitForLock } from './wait-for-lock.js';
import { assertKnownSession, outcomeLines } from './session-windows.js';

export const FLUSH_HELP = `Usage: shiplog flush [--session ID]

Closes the open windows of work now instead of waiting for SessionEnd, /clear or the idle time:
reads what the transcripts gained since the last run, then writes each window's changelog
entry (or its failure record). A session that is still running simply opens a new window
with its next turn. Hook jobs a stopped worker left in the spool (killed, or it gave up on a
busy or unwritable state database) are taken first, then sessions no hook told about are read
(see shiplog sweep --help).

Options:
  --session ID   only this session (default: every session with an open window)
  -h, --help     show this help
`;

export async function flushCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { session: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    process.stdout.write(FLUSH_HELP);
    return 0;
  }
  const dir = stateDir();
  const log = createLogger(dir, 'flush');
  const db = openDb(dir);
  let failed = 0;
  try {
    // Hook jobs a dead worker left (killed, or it gave up on a busy database) come first: the
    // windows they close or extend are then flushed with the rest.
    const ctx = { dir, db, log, env: process.env, configFor, busyMs: busyTimeoutMs() };
    const stranded =
      values.session === undefined
        ? await drainStranded(ctx)
        : spooledSessions(dir).includes(values.session)
          ? await drainStranded(ctx, { only: values.session })
          : [];
    for (const s of stranded) process.stdout.write(`${s}  hook jobs left by a stopped worker taken\n`);
    // Sessions no hook told about (a killed client, hooks off) are read before their windows close.
    if (values.session === undefined) {
      const swept = await sweep(ctx, { force: true });
      for (const r of swept.ran ?? [])
        process.stdout.write(`${r.session}  read by the sweep (no hook named its latest bytes)\n`);
    }
    const sessions = sessionsWithOpenWork(db, values.session);
    if (sessions.length === 0) {
      if (stranded.length > 0) return 0;
      assertKnownSession(db, values.session);
      process.stdout.write('Nothing to flush: no open windows.\n');
      return 0;
    }
    for (const s of sessions) failed += await flushSession({ dir, db, log }, s);
  } finally {
    db.close();
  }
  if (failed > 0)
    process.stderr.write('Some windows were not written; their failure records and the shiplog log say why.\n');
  return failed > 0 ? 1 : 0;
}

/** Reads the session and closes its window under its lock; the number of windows that failed. */
async function flushSession(
  at: { dir: string; db: Db; log: Logger },
  s: ReturnType<typeof sessionsWithOpenWork>[number],
): Promise<number> {
  const { dir, db, log } = at;
  const where = { agent: s.agent, transcriptPath: s.transcript_path, cwd: s.cwd ?? undefined };
  const { config } = configForSession(await sessionRepo(where, s.repo));
  const close = closeAtRunEnd(closePolicy(config.changelog), { kind: 'flush' });
  const lock = await waitForLock(db, s.session_id);
  try {
    const session = { sessionId: s.session_id, ...where };
    const { windows } = await runSession({ stateDir: dir, db, log, config }, { ...session, trigger: 'flush', close });
    const paused = 'the evaluator is paused; written after the pause, or with: shiplog retry';
    process.stdout.write(outcomeLines(s.session_id, windows, paused).join(''));
    if (windows.written.length === 0 && windows.failed.length === 0 && !windows.deferred?.length) {
      process.stdout.write(`${s.session_id}  nothing to write (the window held no work)\n`);
    }
    return windows.failed.length;
  } catch (err) {
    process.stderr.write(`${s.session_id}: could not flush: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    releaseLock(db, lock);
  }
}
