import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { replaceFileAtomically } from '../kit/atomic-write.js';
import { isErrno } from '../kit/errno.js';
import { isAlive, ProcessOwner, thisProcess } from '../state/session-lock.js';
import { ShiplogError } from '../kit/shiplog-error.js';

/**
 * Reading and replacing an agent's config file. The agent may rewrite the file itself while we
 * work (Codex does, to record settings): the change is computed from what was read, and written
 * only if the file still holds exactly that, by rename, so neither side's edit is half-applied.
 * Two shiplog processes (two installs, an install beside an uninstall) take turns through a lock
 * file beside the config, so neither renames over the other's edit. A config that is a symlink
 * (dotfiles managers) is edited where it points, and stays a link.
 */

export class ConcurrentEditError extends ShiplogError {
  constructor(readonly file: string) {
    super('ECONCURRENTEDIT', `${file} changed while shiplog was editing it`);
    this.name = 'ConcurrentEditError';
  }
}

/** The file's text, or null when there is no such file. */
export function readConfigText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * The file a config path stands for: the end of its chain of symlinks (relative links resolve
 * from the link's own folder), which may not exist yet. Renaming onto the link itself would
 * replace the user's link with a plain file.
 */
export function configTarget(file: string): string {
  let path = resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(path).isSymbolicLink();
    } catch (err) {
      if (isErrno(err) && err.code === 'ENOENT') return path;
      throw err;
    }
    if (!isLink) return path;
    path = resolve(dirname(path), readlinkSync(path));
  }
  throw new Error(`${file}: too many levels of symbolic links`);
}

/**
 * Replaces `file` with `after` when it differs from `before` (what was read; null: no file).
 * The previous version is kept as `<file>.shiplog.bak`; the mode of the old file is kept (Codex
 * makes its config 0600). Returns whether anything was written.
 */
function replaceConfigText(
  file: string,
  before: string | null,
  after: string,
  newMode = 0o644,
  opts: { backup?: boolean } = {},
): boolean {
  if (before !== null && before === after) return false;
  const target = configTarget(file);
  mkdirSync(dirname(target), { recursive: true });
  const mode = before !== null ? statSync(target).mode & 0o777 : newMode;
  replaceFileAtomically(target, after, {
    mode,
    beforeRename: () => {
      if (opts.backup !== false && before !== null && existsSync(target)) copyFileSync(target, `${target}.shiplog.bak`);
      // Checked last, right before the rename: the agent's own edit since our read is not lost.
      if (readConfigText(target) !== before) throw new ConcurrentEditError(file);
    },
  });
  return true;
}

/** Runs read → edit → replace under the lock, starting over (a few times) when the agent edits the file meanwhile. */
export function editConfigFile(
  file: string,
  edit: (text: string | null) => string,
  newMode?: number,
  opts: { backup?: boolean } = {},
): boolean {
  const target = configTarget(file);
  return withEditLock(target, () => {
    for (let attempt = 0; ; attempt++) {
      const before = readConfigText(target);
      const after = edit(before);
      try {
        return replaceConfigText(target, before, after, newMode, opts);
      } catch (err) {
        if (!(err instanceof ConcurrentEditError) || attempt >= 4) throw err;
      }
    }
  });
}

const LOCK_WAIT_MS = 15_000;

/**
 * A lock file naming its holder's pid and start time, made whole in one step (written under a
 * temporary name, then hard-linked to the lock's name, which fails if it exists): a holder that
 * died is recognised at once and its lock taken over; a live one is waited for. Install is a
 * command a person runs, so waiting synchronously is fine.
 */
function withEditLock<T>(target: string, body: () => T): T {
  const lock = `${target}.shiplog.lock`;
  const mine = `${lock}.${process.pid}.${randomBytes(4).toString('hex')}`;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(mine, JSON.stringify(thisProcess()), { mode: 0o600, flag: 'wx' });
  const deadline = Date.now() + LOCK_WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  try {
    for (;;) {
      try {
        linkSync(mine, lock);
        break;
      } catch (err) {
        if (!isErrno(err) || err.code !== 'EEXIST') throw err;
      }
      const holder = lockHolder(lock);
      // Released meanwhile: try again at once. Never remove a lock we did not see die: the one
      // there now may be a new holder's.
      if (holder === 'gone') continue;
      if (holder !== 'alive') {
        removeIfSame(lock, holder.ino);
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(
          `${target} is being edited by another shiplog process (${lock}); try again when it has finished`,
        );
      Atomics.wait(pause, 0, 0, 10 + Math.floor(Math.random() * 20));
    }
  } finally {
    rmSync(mine, { force: true });
  }
  try {
    return body();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Who holds the lock: a live process, nobody any more, or a dead one (its lock file's inode). */
function lockHolder(lock: string): 'alive' | 'gone' | { ino: number } {
  let text: string;
  let ino: number;
  try {
    ino = statSync(lock).ino;
    text = readFileSync(lock, 'utf8');
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return 'gone';
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Locks are linked into place whole, so this one was not made by shiplog as it is now:
    // nobody holds it.
    return { ino };
  }
  const owner = ProcessOwner.safeParse(parsed);
  return owner.success && isAlive(owner.data.pid, owner.data.start) ? 'alive' : { ino };
}

/** Removes a dead holder's lock, unless another process has replaced it meanwhile. */
function removeIfSame(lock: string, ino: number): void {
  try {
    if (statSync(lock).ino === ino) rmSync(lock, { force: true });
  } catch (err) {
    if (!isErrno(err) || err.code !== 'ENOENT') throw err;
  }
}
