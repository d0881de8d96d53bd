import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  constants,
  linkSync,
  mkdirSync,
  openSync,
  realpathSync,
  rmSync,
  statSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { isErrno } from '../kit/errno.js';
import { OutputError } from './output-error.js';

/**
 * The lock that serialises appends to one output file, across processes.
 *
 * Why this shape: the lock must stay with a holder that is alive however long it is stopped
 * (suspend, container pause, SIGSTOP, swap), and be free the moment its holder dies. Judging
 * staleness by age (proper-lockfile's 4 s) hands a stopped holder's lock to another writer, and
 * the thawed holder then writes over what was appended meanwhile. A lock file naming pid and
 * start time fixes the judgement but not the takeover: two waiters that both find a dead
 * holder race to replace its file, and one can remove the fresh lock of the other. So the lock
 * is a kernel lock instead: an open exclusive SQLite transaction on a small lock database, which
 * is an fcntl lock on that file. The kernel keeps it for a live (even stopped) process and drops
 * it when the process dies, whatever the signal, with no pid to recycle and no takeover to race:
 * a writer can never find its lock taken over while it lives (short of its lock file being
 * deleted, which `stillHeld` catches). SQLite also arbitrates between connections of one
 * process, which plain fcntl locks do not.
 *
 * The lock database lives in the state folder, named by a hash of the output file's real path,
 * so nothing in a repository decides where it is created.
 */
export interface AppendLockOptions {
  /** The folder for lock databases: the state folder's (paths.ts appendLocks). */
  lockDir: string;
  /** How long to wait for a live holder before giving up with ELOCKED (default 10 s). */
  waitMs?: number;
  /** Called once, when the lock is found held by another writer and this one starts waiting. */
  onWait?: () => void;
}

export interface AppendLock {
  /**
   * False once the lock file was removed or replaced (the state folder wiped) while held: a new
   * writer then locks a new file, so this one no longer excludes anyone.
   */
  stillHeld(): boolean;
  release(): void;
}

/** An append takes milliseconds; a holder still at it after this long is stalled, not slow. */
const DEFAULT_LOCK_WAIT_MS = 10_000;

function appendLockPath(file: string, lockDir: string): string {
  const real = join(realpathSync(dirname(file)), basename(file));
  return join(lockDir, `${createHash('sha256').update(real).digest('hex').slice(0, 32)}.lock`);
}

/**
 * Creates the lock database once, whole: built under a temporary name (0600, like every state
 * file; SQLite would make it 0644 less the umask), with its header written, then linked into
 * place, which fails harmlessly when a concurrent append made it first. A database left empty
 * would have SQLite write its first page inside the first lock holder's transaction, with a
 * journal a killed holder leaves behind. An existing lock file is never opened here: closing any
 * descriptor of a file drops every fcntl lock this process holds on it (POSIX), so an
 * open-and-close while another append of this process holds the lock would free it for others.
 */
function createLockFile(path: string): void {
  if (statOrNull(path)) return;
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  closeSync(openSync(tmp, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600));
  try {
    const db = new Database(tmp);
    try {
      db.pragma('user_version = 1');
    } finally {
      db.close();
    }
    linkSync(tmp, path);
  } catch (err) {
    // Made by a concurrent append meanwhile: that one serves as well.
    if (!(isErrno(err) && err.code === 'EEXIST')) throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    // Removed while held: reported as not held.
    if (isErrno(err) && err.code === 'ENOENT') return null;
    throw err;
  }
}

export async function acquireAppendLock(file: string, opts: AppendLockOptions): Promise<AppendLock> {
  mkdirSync(opts.lockDir, { recursive: true, mode: 0o700 });
  const path = appendLockPath(file, opts.lockDir);
  createLockFile(path);
  const db = new Database(path, { timeout: 0 });
  const deadline = Date.now() + (opts.waitMs ?? DEFAULT_LOCK_WAIT_MS);
  let delay = 2;
  let waited = false;
  try {
    for (;;) {
      try {
        // The lock transaction writes nothing; a journal kept in memory means no `-journal`
        // file can ever be left beside the lock by a holder that is killed. (Setting it reads
        // the database, so it too waits while another writer holds the lock.)
        db.pragma('journal_mode = MEMORY');
        // EXCLUSIVE takes the file's write lock at once (no WAL here).
        db.exec('BEGIN EXCLUSIVE');
        break;
      } catch (err) {
        if (!(err instanceof Database.SqliteError && err.code.startsWith('SQLITE_BUSY'))) throw err;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new OutputError(
            `${file} is locked by another shiplog process that is still running (stopped or stalled while appending); the window stays pending and is retried`,
            'ELOCKED',
            { cause: err },
          );
        if (!waited) opts.onWait?.();
        waited = true;
        await sleep(Math.min(delay, left));
        delay = Math.min(delay * 2, 100);
      }
    }
  } catch (err) {
    db.close();
    throw err;
  }
  let locked: Stats;
  try {
    locked = statSync(path);
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    stillHeld: () => {
      const now = statOrNull(path);
      return now !== null && now.ino === locked.ino && now.dev === locked.dev;
    },
    release: () => {
      try {
        db.exec('COMMIT');
      } catch {
        // The transaction wrote nothing, so there is nothing to lose, and closing the
        // connection below releases its lock in any case.
      } finally {
        db.close();
      }
    },
  };
}
