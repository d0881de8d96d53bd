import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { isErrno } from './kit/errno.js';

/**
 * Reads a file inside a repository the way untrusted input must be read: never through a
 * symlink (O_NOFOLLOW: a link could name any file of the user's), only a regular file (O_NONBLOCK
 * so a FIFO planted there cannot block), and only up to `maxBytes` (a file that grows past it
 * while read is refused the same way).
 */
export type UntrustedRead =
  | { kind: 'absent' }
  | { kind: 'refused'; why: 'symlink' | 'not-a-file' | 'too-large'; size?: number }
  | { kind: 'failed'; error: unknown }
  | { kind: 'read'; bytes: Buffer };

const CHUNK = 64 * 1024;

export function readUntrusted(path: string, maxBytes: number): UntrustedRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return { kind: 'absent' };
    if (isErrno(err) && err.code === 'ELOOP') return { kind: 'refused', why: 'symlink' };
    return { kind: 'failed', error: err };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { kind: 'refused', why: 'not-a-file' };
    if (st.size > maxBytes) return { kind: 'refused', why: 'too-large', size: st.size };
    const chunks: Buffer[] = [];
    let len = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - len));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      len += n;
      if (len > maxBytes) return { kind: 'refused', why: 'too-large' };
    }
    return { kind: 'read', bytes: Buffer.concat(chunks, len) };
  } catch (err) {
    return { kind: 'failed', error: err };
  } finally {
    closeSync(fd);
  }
}
