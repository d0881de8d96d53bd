import { readdirSync } from 'node:fs';
import { isErrno } from './kit/errno.js';

/** `read()`, or the fallback when the path (or a folder on it) is not there: a file that went away is no error. */
export function unlessMissing<T, F>(read: () => T, fallback: F): T | F {
  try {
    return read();
  } catch (err) {
    if (isErrno(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return fallback;
    throw err;
  }
}

/** A folder's names; none when it is not there. */
export const listDir = (dir: string): string[] => unlessMissing(() => readdirSync(dir), []);
