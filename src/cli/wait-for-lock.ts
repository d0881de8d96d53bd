import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../state/db.js';
import { type SessionLock, tryLock } from '../state/session-lock.js';
import { CliError } from './errors.js';

/**
 * The session's lock for a command the user runs (process, flush, retry, backfill): a worker
 * holding it usually finishes within seconds, so the command waits, says once on stderr what it
 * waits for, and gives up after 30 s with a CliError rather than hang.
 */
export async function waitForLock(db: Db, sessionId: string): Promise<SessionLock> {
  for (let i = 0; i < 300; i++) {
    const lock = tryLock(db, sessionId);
    if (lock) return lock;
    if (i === 0) process.stderr.write(`shiplog: waiting for the worker already processing ${sessionId}…\n`);
    await sleep(100);
  }
  throw new CliError(
    `session ${sessionId} stayed locked by another worker for 30 s`,
    'Try again once it finishes (shiplog status shows it).',
  );
}
