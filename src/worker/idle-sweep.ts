import { closeAtRunEnd, closePolicy, idleBefore } from '../changelog/close-policy.js';
import { configForSession } from '../config/session-config.js';
import { openWindowsRunBefore } from '../state/open-windows.js';
import { releaseLock, tryLock } from '../state/session-lock.js';
import type { DrainContext } from './drain.js';
import { sessionRepo } from './session-repo.js';
import { type RunContext, type RunOutcome, type RunRequest, runSession } from './pipeline.js';

/**
 * The idle sweep: a worker on its way out closes the windows of other sessions that have been
 * quiet for longer than the idle time, since no hook of theirs may ever come to close them (the
 * client was closed without SessionEnd, the user walked away). The catch-up sweep (sweep.ts)
 * reads sessions the same way, one at a time under the session's lock.
 */

/** Sessions closed per worker exit; the next worker takes the rest. */
const IDLE_LIMIT = 20;

export async function closeIdleWindows(ctx: DrainContext, now: () => Date = () => new Date()): Promise<void> {
  const { dir, db, log, env } = ctx;
  // One idle time picks the sessions (the user's setting); each then runs with its own config.
  const policy = closePolicy(configForSession(null, env).config.changelog);
  const at = now();
  for (const s of openWindowsRunBefore(db, idleBefore(policy, at).toISOString(), IDLE_LIMIT)) {
    // Asked of the same rule the query applied: every session it returned is idle.
    const close = closeAtRunEnd(policy, {
      kind: 'clock',
      lastActivityMs: Date.parse(s.updated_at),
      nowMs: at.getTime(),
    });
    if (close === null) continue;
    const where = { agent: s.agent, transcriptPath: s.transcript_path, cwd: s.cwd ?? undefined };
    const config = ctx.configFor(await sessionRepo(where, s.repo), env, log).config;
    const req = { sessionId: s.session_id, ...where, trigger: 'idle', close };
    const run = await runIfFree({ stateDir: dir, db, log, config }, req);
    if (run.kind === 'failed') log.warn({ err: run.err, session: s.session_id }, 'idle close failed; will retry later');
  }
}

/** What a sweep's run of one session came to. */
export type SweptRun = { kind: 'locked' } | { kind: 'failed'; err: unknown } | { kind: 'ran'; outcome: RunOutcome };

/**
 * Runs a session no hook is running now, under its lock. A worker or `shiplog process` that holds
 * it reads the same bytes, so a locked session is left to it; a failed run is the caller's to
 * report, and the sweep goes on with the next session.
 */
export async function runIfFree(ctx: RunContext, req: RunRequest): Promise<SweptRun> {
  const lock = tryLock(ctx.db, req.sessionId);
  if (!lock) return { kind: 'locked' };
  try {
    return { kind: 'ran', outcome: await runSession(ctx, req) };
  } catch (err) {
    return { kind: 'failed', err };
  } finally {
    releaseLock(ctx.db, lock);
  }
}
