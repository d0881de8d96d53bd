import { parseArgs } from 'node:util';
import { configForSession } from '../config/session-config.js';
import { clearBackoff } from '../evaluator/backoff.js';
import { createLogger } from '../log.js';
import { stateDir } from '../paths.js';
import { openDb } from '../state/db.js';
import { releaseLock } from '../state/session-lock.js';
import { sessionsWithUnwrittenWindows } from '../state/unwritten-windows.js';
import { flushWindows } from '../worker/flush-windows.js';
import { waitForLock } from './wait-for-lock.js';
import { assertKnownSession, outcomeLines } from './session-windows.js';

export const RETRY_HELP = `Usage: shiplog retry [--session ID]

Writes the windows of work that are still waiting: those whose evaluation failed (the
failure record in .changelog/<actor>/failures.jsonl says "shiplog retry"), those whose
append failed, and those held back while the evaluator was paused after an authentication
error or a usage limit (the pause is lifted: you are saying "try now"). Transcripts are not
read again; each window keeps what it was closed with.

Options:
  --session ID   only this session (default: every session with such windows)
  -h, --help     show this help
`;

export async function retryCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { session: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    process.stdout.write(RETRY_HELP);
    return 0;
  }
  const dir = stateDir();
  const log = createLogger(dir, 'retry');
  const db = openDb(dir);
  let failed = 0;
  try {
    const sessions = sessionsWithUnwrittenWindows(db, values.session);
    if (sessions.length === 0) {
      assertKnownSession(db, values.session);
      process.stdout.write('Nothing to retry: no failed or waiting windows.\n');
      return 0;
    }
    clearBackoff(db);
    for (const s of sessions) {
      // The windows' repository: the one the session wrote into.
      const { config } = configForSession(s.repo);
      const lock = await waitForLock(db, s.session_id);
      try {
        const now = () => new Date().toISOString();
        const outcome = await flushWindows({ stateDir: dir, db, log, config }, s.session_id, now, { retry: true });
        process.stdout.write(
          outcomeLines(
            s.session_id,
            outcome,
            'the evaluator hit a limit again; see failures.jsonl for when it resumes',
          ).join(''),
        );
        failed += outcome.failed.length + (outcome.deferred?.length ?? 0);
      } finally {
        releaseLock(db, lock);
      }
    }
  } finally {
    db.close();
  }
  if (failed > 0)
    process.stderr.write('Some windows are still not written; their failure records and the shiplog log say why.\n');
  return failed > 0 ? 1 : 0;
}
