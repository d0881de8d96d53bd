import { closeSync, mkdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../kit/errno.js';
import { OutputError } from './output-error.js';
import { checkOwned, lstatOrNull, openOutputFile } from './safe-open.js';

export { OutputError };

/**
 * Creates `<repo>/<top>/<...rest>` one component at a time, refusing any component that exists
 * as a symlink, a non-folder or a folder of another user, so nothing in a repository can
 * redirect shiplog's writes elsewhere. The top folder gets a `.gitignore` of `*` unless the user
 * chose to commit it.
 */
export function ensureOutputDir(repo: string, top: '.devlog' | '.changelog', rest: string[], commit: boolean): string {
  let dir = repo;
  for (const [i, part] of [top, ...rest].entries()) {
    dir = join(dir, part);
    const st = lstatOrNull(dir);
    if (st) checkOwned(dir, st, 'folder');
    const created = !st && makeFolder(dir);
    if (i === 0 && created && !commit) {
      const { fd } = openOutputFile(join(dir, '.gitignore'), 'new');
      try {
        writeSync(fd, '*\n');
      } finally {
        closeSync(fd);
      }
    }
  }
  return dir;
}

/** True when this call made the folder; false when a concurrent worker made it first. */
function makeFolder(dir: string): boolean {
  try {
    mkdirSync(dir);
    return true;
  } catch (err) {
    if (!(isErrno(err) && err.code === 'EEXIST')) throw err;
    const st = lstatOrNull(dir);
    if (!st) throw err;
    checkOwned(dir, st, 'folder');
    return false;
  }
}
