import { closeAtRunEnd, closePolicy } from '../changelog/close-policy.js';
import type { LoadedConfig } from '../config/config.js';
import type { Logger } from '../log.js';
import { statePaths } from '../paths.js';
import type { Db } from '../state/db.js';
import { isStateDbError, retryBusy } from '../state/db-errors.js';
import { releaseLock, tryLock, type SessionLock } from '../state/session-lock.js';
import { getSession, recordHookFire } from '../state/sessions.js';
import { agentFor, hookRole } from '../agents/registry.js';
import type { HookRole } from '../agents/agent.js';
import { removeJobs, takeJobs, type SpooledJob } from './jobs.js';
import { runSession, type RunRequest } from './pipeline.js';
import { sessionRepo } from './session-repo.js';
import { waitForTranscript } from './stop-wait.js';

/** The settings for a session writing into `repoRoot` (config/session-config.ts), logged: main.ts configFor. */
type ConfigFor = (repoRoot: string | null, env: NodeJS.ProcessEnv, log: Logger) => LoadedConfig;

export interface DrainContext {
  dir: string;
  db: Db;
  log: Logger;
  env: NodeJS.ProcessEnv;
  configFor: ConfigFor;
  /** SQLite's busy timeout for this process (state/db.ts busyTimeoutMs). */
  busyMs: number;
}

/**
 * Takes and runs every job spooled for one session, under its lock. A job file is removed only
 * once the run that took it has committed: when the state database fails (busy past every retry,
 * read-only, damaged) the error propagates and the jobs stay spooled for the next worker, the
 * next worker of any session on its way out, or `shiplog flush`. `locked`: another process holds
 * the session and drains the spool itself.
 */
export async function drainSession(ctx: DrainContext, sessionId: string): Promise<{ locked: boolean; ended: boolean }> {
  const spool = statePaths(ctx.dir).sessionSpool(sessionId);
  const lock = await retryBusy('session lock', () => tryLock(ctx.db, sessionId), ctx);
  if (!lock) return { locked: true, ended: false };
  let ended = false;
  try {
    for (let jobs = takeJobs(spool, ctx.log); jobs.length > 0; jobs = takeJobs(spool, ctx.log)) {
      const batch = jobs;
      ended = (await retryBusy('run', () => runJobs(ctx, sessionId, batch), ctx)) || ended;
      // Counted after the run, so a run retried or left for later is counted once.
      await retryBusy(
        'hook fires',
        () =>
          ctx.db.transaction(() => {
            for (const { job } of batch)
              recordHookFire(ctx.db, job.agent, job.payload.hook_event_name, job.received_at);
          })(),
        ctx,
      );
      removeJobs(batch);
    }
  } finally {
    await release(ctx, lock);
  }
  return { locked: false, ended };
}

async function release(ctx: DrainContext, lock: SessionLock): Promise<void> {
  try {
    await retryBusy('session unlock', () => releaseLock(ctx.db, lock), ctx);
  } catch (err) {
    if (!isStateDbError(err)) throw err;
    // The lock row names this process: it counts as free once this process is gone.
    ctx.log.warn({ session: lock.sessionId, err }, 'session lock not released; it is free when this worker exits');
  }
}

/** Runs one batch of jobs as one run; true when the batch ended the session. */
async function runJobs(ctx: DrainContext, sessionId: string, jobs: SpooledJob[]): Promise<boolean> {
  const { dir, db, log, env } = ctx;
  const last = jobs[jobs.length - 1];
  if (!last) return false;
  const agent = agentFor(last.job.agent);
  const role = (j: SpooledJob): HookRole | undefined => hookRole(j.job.agent, j.job.payload.hook_event_name);
  const end = jobs.find((j) => role(j) === 'session-end');
  const stop = [...jobs].reverse().find((j) => role(j) === 'turn-end');
  const cwd = [...jobs].reverse().find((j) => j.job.payload.cwd)?.job.payload.cwd;
  const known = getSession(db, sessionId);
  // Codex notify jobs name only the thread; a hook of the same session may have given the path.
  const transcriptPath =
    [...jobs].reverse().find((j) => j.job.payload.transcript_path)?.job.payload.transcript_path ??
    known?.transcript_path ??
    agent.hooks?.transcriptOf?.(jobs.filter((j) => j.job.agent === agent.id).map((j) => j.job.payload));
  if (!transcriptPath) {
    // Codex notify for a thread without a rollout: its title generation, or an --ephemeral session.
    log.info(
      { session: sessionId, trigger: last.job.payload.hook_event_name },
      'no transcript for this session; jobs dropped',
    );
    return end !== undefined;
  }
  // The repository the run will write into, not the payload's folder: an agent that went into a
  // subfolder holding a repository of its own still writes into the session's.
  const repo = await sessionRepo({ agent: last.job.agent, transcriptPath, cwd }, known?.repo);
  const config = ctx.configFor(repo, env, log).config;
  const close = closeAtRunEnd(closePolicy(config.changelog), {
    kind: 'hooks',
    sessionEnd: end ? { reason: end.job.payload.reason } : null,
    turnEnd: stop !== undefined,
  });
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
    const turnEnd = agent.hooks?.turnEnd?.(stop.job.payload) ?? null;
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
      {
        session: sessionId,
        trigger: req.trigger,
        jobs: jobs.length,
        bytes: outcome.bytesRead,
        lines: outcome.lines,
        written: outcome.windows.written.length,
        failed: outcome.windows.failed.length,
      },
      'run done',
    );
  } catch (err) {
    // The database's own trouble: nothing was committed past the cursor, and the jobs stay.
    if (isStateDbError(err)) throw err;
    // Logged with its reason by runSession; the cursor did not move past what was stored, so the
    // next trigger for this session picks up from the same place.
    log.warn({ session: sessionId, code: (err as NodeJS.ErrnoException).code }, 'run failed; jobs dropped, state kept');
  }
  return end !== undefined;
}
