import type { Db } from '../state/db.js';
import { isKnownSession } from '../state/known-sessions.js';
import type { FlushOutcome } from '../worker/flush-windows.js';
import { CliError } from './errors.js';

/** `--session ID` named a session shiplog never saw: say so rather than "nothing to do". */
export function assertKnownSession(db: Db, sessionId: string | undefined): void {
  if (sessionId && !isKnownSession(db, sessionId)) {
    throw new CliError(`no session ${sessionId} recorded`, 'Run "shiplog status" to see the session ids.');
  }
}

/** One line per window a flush or retry handled, in the columns `shiplog flush` and `retry` share. */
export function outcomeLines(sessionId: string, o: FlushOutcome, pausedNote: string): string[] {
  return [
    ...o.written.map((e) => `${sessionId}  entry   ${e.run_id}  ${e.label}\n`),
    ...o.failed.map((f) => `${sessionId}  FAILED  ${f.run_id}  ${f.stage}: ${f.message}\n`),
    ...(o.deferred ?? []).map((id) => `${sessionId}  PAUSED  ${id}  ${pausedNote}\n`),
  ];
}
