import { closeAtRunEnd, closePolicy } from '../changelog/close-policy.js';
import { waitForLock } from '../cli/wait-for-lock.js';
import type { Logger } from '../log.js';
import type { Db } from '../state/db.js';
import { hasOpenWindow } from '../state/open-windows.js';
import { releaseLock } from '../state/session-lock.js';
import { runSession } from '../worker/pipeline.js';
import type { OutputPins } from './pin.js';
import type { RunResult, SessionTask } from './pool-messages.js';

/**
 * One backfill run of one session, under its session lock, in this process or in one of the
 * processes of `--jobs N`: the lock, not the caller, is what keeps a hook's worker or a second
 * backfill from reading the same session at the same time.
 */
export async function runOne(
  db: Db,
  dir: string,
  log: Logger,
  task: SessionTask,
  pins?: OutputPins,
): Promise<RunResult> {
  const base = { sessionId: task.sessionId, agent: task.agent };
  try {
    // Handed over unpinned (a session process of --jobs N): its repository and actor are settled here.
    const s = pins ? await pins.pin(task) : task;
    const close = closeAtRunEnd(closePolicy(s.config.changelog), { kind: 'backfill', idle: s.idle });
    const lock = await waitForLock(db, s.sessionId);
    try {
      const session = { sessionId: s.sessionId, agent: s.agent, transcriptPath: s.path, cwd: s.cwd, repo: s.repo };
      const runCtx = { stateDir: dir, db, log, config: s.config };
      const outcome = await runSession(runCtx, { ...session, trigger: 'backfill', close });
      const processed = {
        ...base,
        kind: 'processed' as const,
        entries: outcome.windows.written.length,
        failed: outcome.windows.failed.length,
        waiting: outcome.windows.deferred?.length ?? 0,
        bytes: outcome.bytesRead,
      };
      // Not idle yet: the session may still be going on, and its hooks close the window.
      if (!s.idle && hasOpenWindow(db, s.sessionId))
        return {
          ...processed,
          leftOpen: `transcript modified within idle_minutes (${s.config.changelog.idle_minutes} min)`,
        };
      return processed;
    } finally {
      releaseLock(db, lock);
    }
  } catch (err) {
    // One broken session must not stop the others: it is counted, shown, and the run goes on.
    return { ...base, kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
