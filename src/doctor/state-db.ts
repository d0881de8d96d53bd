import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { isErrno } from '../kit/errno.js';
import { statePaths } from '../paths.js';
import { openDb, type Db } from '../state/db.js';
import { isBusy, isCorrupt, sqliteCode } from '../state/db-errors.js';
import { probeWrite } from '../state/write-probe.js';
import type { Check } from './checks.js';

/**
 * Doctor's look at the state database: opens it without repairing anything, then proves it can
 * be written with a write that is rolled back (a database that opens is not yet one a worker can
 * use: SQLite opens a read-only file without a word). Each failure gets the fix for its cause.
 */
export function stateDbCheck(stateDir: string): { db: Db | null; check: Check } {
  const paths = statePaths(stateDir);
  let db: Db;
  try {
    db = openDb(stateDir, { rebuildCorrupt: false, env: { SHIPLOG_DB_BUSY_MS: '2000' } });
  } catch (err) {
    return { db: null, check: failure(stateDir, err) };
  }
  try {
    probeWrite(db);
  } catch (err) {
    db.close();
    return { db: null, check: failure(stateDir, err) };
  }
  return { db, check: { key: 'state.db', status: 'ok', message: paths.db } };
}

function failure(stateDir: string, err: unknown): Check {
  const paths = statePaths(stateDir);
  const reason = err instanceof Error ? err.message : String(err);
  const problem = (message: string, fix: string): Check => ({ key: 'state.db', status: 'problem', message, fix });
  if (isCorrupt(err)) {
    return problem(
      `${paths.db} is damaged (${reason})`,
      `run: shiplog flush (or wait for the next hook): shiplog moves it aside to ${paths.db}.corrupt-<time> and builds a new one; sessions are then read again from their transcripts, without doubling entries`,
    );
  }
  if (isBusy(err)) {
    return problem(
      `${paths.db} is locked by another process that does not let go (${reason})`,
      `find it with: fuser ${paths.db} (a stopped or frozen shiplog or sqlite3); resume or end it, then run: shiplog flush (workers leave their jobs spooled meanwhile)`,
    );
  }
  const code = sqliteCode(err) ?? (isErrno(err) ? err.code : undefined);
  const blocked = [stateDir, paths.db, `${paths.db}-wal`, `${paths.db}-shm`].filter(
    (p) => existsSync(p) && !writable(p),
  );
  if (blocked.length > 0) {
    const others = blocked.filter((p) => statSync(p).uid !== process.getuid?.());
    const fix =
      others.length > 0
        ? `they belong to another user: sudo chown $(id -un) ${others.join(' ')}; then chmod u+w ${blocked.join(' ')}`
        : `chmod u+w ${blocked.join(' ')}`;
    return problem(
      `${paths.db} cannot be written: ${blocked.join(', ')} ${blocked.length === 1 ? 'is' : 'are'} read-only (${code ?? reason}); workers leave their jobs spooled`,
      `${fix}, then run: shiplog flush`,
    );
  }
  if (code?.startsWith('SQLITE_READONLY') || code === 'EROFS') {
    return problem(
      `${paths.db} cannot be written (${reason}), though its files allow it: a read-only file system?`,
      `point SHIPLOG_HOME at a writable folder (or remount ${stateDir} read-write), then run: shiplog flush`,
    );
  }
  return problem(
    `cannot open ${paths.db}: ${reason}`,
    `check that ${stateDir} and its files are readable and writable by you (or set SHIPLOG_HOME)`,
  );
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch (err) {
    if (isErrno(err) && (err.code === 'EACCES' || err.code === 'EROFS' || err.code === 'EPERM')) return false;
    throw err;
  }
}
