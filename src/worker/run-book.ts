import type { Logger } from '../log.js';
import { createRedactor } from '../redact/redact.js';
import type { Db } from '../state/db.js';
import { endRun, failRun, startRun } from '../state/runs.js';
import type { RunOutcome, RunRequest } from './run-types.js';

/**
 * A run's record in the state database: opened before the run reads anything, closed with what
 * it read (`partial` when a window failed), or with the error that stopped it. `body` fills in
 * the outcome as it goes, so a failed run still records how far it got.
 */
export async function bookRun(
  book: { db: Db; log: Logger; now: () => string },
  req: RunRequest,
  body: (outcome: RunOutcome) => Promise<void>,
): Promise<RunOutcome> {
  const { db, log, now } = book;
  const id = startRun(db, { sessionId: req.sessionId, trigger: req.trigger, pid: process.pid, startedAt: now() });
  const outcome = emptyOutcome(req.sessionId);
  try {
    await body(outcome);
    endRun(db, id, { at: now(), status: outcome.windows.failed.length > 0 ? 'partial' : 'ok', tally: outcome });
    return outcome;
  } catch (err) {
    // Messages carry paths and commands from the transcript: stored redacted, like the outputs.
    const error = createRedactor().redact(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    failRun(db, id, { at: now(), bytesRead: outcome.bytesRead, lines: outcome.lines, error });
    log.error({ err, session: req.sessionId, transcript: req.transcriptPath }, 'run failed');
    throw err;
  }
}

/** The outcome before anything is read; its key order is the order `shiplog process --json` prints. */
function emptyOutcome(sessionId: string): RunOutcome {
  return {
    sessionId,
    repo: null,
    devlogPath: null,
    bytesRead: 0,
    lines: 0,
    oversized: 0,
    skipped: {},
    resync: null,
    redactions: {},
    windows: { written: [], failed: [] },
  };
}
