import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import { ShiplogError } from '../kit/shiplog-error.js';

/**
 * How the worker tells the state database's own troubles (busy, read-only, damaged) from a
 * session's. A session's trouble drops its jobs (the next trigger retries from the cursor); the
 * database's leaves them spooled for the next worker or `shiplog flush`, since no run could have
 * committed.
 */
export function sqliteCode(err: unknown): string | null {
  return err instanceof Database.SqliteError ? err.code : null;
}

/** Another process holds the write lock (or, in WAL, our snapshot went stale): wait and retry. */
export function isBusy(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== null && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export function isCorrupt(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== null && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/** Any failure of the state database itself: busy, read-only, damaged, full, unreachable. */
export function isStateDbError(err: unknown): boolean {
  if (err instanceof StateDbBusy) return true;
  const code = sqliteCode(err);
  if (code === null) return false;
  return (
    isBusy(err) ||
    isCorrupt(err) ||
    ['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_PERM', 'SQLITE_PROTOCOL'].some((c) =>
      code.startsWith(c),
    )
  );
}

export class StateDbBusy extends ShiplogError {
  constructor(what: string, attempts: number, options: { cause: unknown }) {
    super('EDBBUSY', `state database stayed busy through ${attempts} attempts at ${what}`, options);
    this.name = 'StateDbBusy';
  }
}

/** How many attempts a busy database gets before the worker leaves its jobs for later. */
const BUSY_ATTEMPTS = 8;

/**
 * Runs `fn`, retrying while the database is busy. Each attempt already waits out SQLite's busy
 * timeout (`busyMs`); between attempts the pause grows from a quarter of it to twice it, so a
 * holder frozen for minutes (a suspended laptop, a paused container, SIGSTOP) is waited out for
 * about 20 busy timeouts in all (5 minutes at the default) before this gives up with StateDbBusy.
 */
export async function retryBusy<T>(
  what: string,
  fn: () => T | Promise<T>,
  opts: { log: Logger; busyMs: number; attempts?: number },
): Promise<T> {
  const attempts = opts.attempts ?? BUSY_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusy(err)) throw err;
      if (attempt >= attempts) throw new StateDbBusy(what, attempts, { cause: err });
      const pause = Math.min(opts.busyMs * 2, (opts.busyMs / 4) * 2 ** (attempt - 1));
      opts.log.warn(
        { what, attempt, code: sqliteCode(err), retryInMs: Math.round(pause) },
        'state database busy; retrying',
      );
      await sleep(pause);
    }
  }
}
