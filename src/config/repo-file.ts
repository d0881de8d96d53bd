import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from './errno.js';

/** A repository's `.shiplog.toml` is at most this big; anything larger is refused unread. */
export const REPO_FILE_MAX_BYTES = 64 * 1024;

export type RepoFile =
  | { kind: 'absent'; path: string }
  | { kind: 'refused'; path: string; reason: string }
  | { kind: 'read'; path: string; text: string; sha256: string };

/**
 * Reads `<top>/.shiplog.toml` the way untrusted input must be read: never through a symlink
 * (O_NOFOLLOW: a link could name any file of the user's), only a regular file (O_NONBLOCK so a
 * FIFO planted there cannot block the worker), and only up to 64 KiB. The hash is of the bytes
 * read, so `shiplog trust` and the loader agree on exactly what was trusted.
 */
export function readRepoFile(top: string): RepoFile {
  const path = join(top, '.shiplog.toml');
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return { kind: 'absent', path };
    if (isErrno(err) && err.code === 'ELOOP') return { kind: 'refused', path, reason: 'is a symlink; a repository config is read only from a regular file in the repository' };
    return { kind: 'refused', path, reason: `cannot read: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { kind: 'refused', path, reason: 'is not a regular file' };
    if (st.size > REPO_FILE_MAX_BYTES) return { kind: 'refused', path, reason: `is larger than 64 KiB (${st.size} bytes)` };
    // Read one byte past the limit: a file that grew after the fstat is refused the same way.
    const buf = Buffer.alloc(REPO_FILE_MAX_BYTES + 1);
    let len = 0;
    for (let n = -1; n !== 0 && len < buf.length; len += n) n = readSync(fd, buf, len, buf.length - len, null);
    if (len > REPO_FILE_MAX_BYTES) return { kind: 'refused', path, reason: 'is larger than 64 KiB' };
    const bytes = buf.subarray(0, len);
    return { kind: 'read', path, text: bytes.toString('utf8'), sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (err) {
    return { kind: 'refused', path, reason: `cannot read: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    closeSync(fd);
  }
}
