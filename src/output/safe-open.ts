import { closeSync, constants, fstatSync, fsyncSync, lstatSync, openSync, type Stats } from 'node:fs';
import { isErrno } from '../kit/errno.js';
import { OutputError } from './output-error.js';

/**
 * Opens the files shiplog writes inside a repository so that nothing a repository contains can
 * redirect a write elsewhere: a cloned repository may hold a symlink (git stores them) where an
 * output file goes, pointing at ~/.bashrc. Every open uses O_NOFOLLOW, and each file, like each
 * folder above it (folders.ts), must be a real file owned by the user shiplog runs as: a file of
 * another user in a shared checkout is theirs to keep, not ours to append to.
 */

/** Throws unless `st` (from lstat or fstat of `path`) is a `kind` owned by this user. */
export function checkOwned(path: string, st: Stats, kind: 'file' | 'folder'): void {
  if (st.isSymbolicLink())
    throw new OutputError(
      `${path} is a symlink; shiplog writes only into real files and folders of the repository`,
      'ESYMLINK',
    );
  if (kind === 'folder' && !st.isDirectory()) throw new OutputError(`${path} exists and is not a folder`, 'ENOTDIR');
  if (kind === 'file' && st.isDirectory())
    throw new OutputError(`${path} is a folder where shiplog writes a file`, 'EISDIR');
  if (kind === 'file' && !st.isFile()) throw new OutputError(`${path} exists and is not a regular file`, 'ENOTFILE');
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw new OutputError(
      `${path} belongs to user ${st.uid}, not to the user shiplog runs as (${uid}); shiplog writes only into its own files`,
      'EOWNER',
    );
}

/** lstat's answer, or null when nothing is there yet. */
export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return null;
    throw err;
  }
}

/** Refuses `path` if it exists as anything but a regular file of this user. */
export function checkOutputFile(path: string): void {
  const st = lstatOrNull(path);
  if (st) checkOwned(path, st, 'file');
}

export interface OpenedOutput {
  fd: number;
  /** The file did not exist before this open (its folder entry needs an fsync to be durable). */
  created: boolean;
}

/**
 * - `append`: read and append (O_APPEND: every write lands at the end of the file as it is at
 *   that moment, never at an offset worked out earlier), created if missing.
 * - `new`: a file that must not exist yet (O_EXCL), for temporary files and .gitignore.
 * O_NONBLOCK keeps a FIFO planted in place of the file from hanging the open; on a regular file
 * it changes nothing.
 */
export function openOutputFile(path: string, how: 'append' | 'new'): OpenedOutput {
  const before = lstatOrNull(path);
  if (before) checkOwned(path, before, 'file');
  const flags =
    constants.O_NOFOLLOW |
    constants.O_NONBLOCK |
    constants.O_CREAT |
    (how === 'append' ? constants.O_RDWR | constants.O_APPEND : constants.O_WRONLY | constants.O_EXCL);
  let fd: number;
  try {
    fd = openSync(path, flags, 0o644);
  } catch (err) {
    // ELOOP: the last component became a symlink after the lstat above.
    if (isErrno(err) && err.code === 'ELOOP')
      throw new OutputError(
        `${path} is a symlink; shiplog writes only into real files and folders of the repository`,
        'ESYMLINK',
        { cause: err },
      );
    throw err;
  }
  try {
    checkOwned(path, fstatSync(fd), 'file');
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return { fd, created: before === null };
}

/** Makes a new folder entry durable: without it a crash can lose a file whose data was synced. */
export function fsyncFolder(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
