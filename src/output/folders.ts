import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../config/config.js';

export class OutputError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutputError';
  }
}

/**
 * Creates `<repo>/<top>/<...rest>` one component at a time, refusing any component that exists
 * as a symlink or a non-folder, so nothing in a repository can redirect shiplog's writes
 * elsewhere. The top folder gets a `.gitignore` of `*` unless the user chose to commit it.
 */
export function ensureOutputDir(repo: string, top: '.devlog' | '.changelog', rest: string[], commit: boolean): string {
  let dir = repo;
  for (const [i, part] of [top, ...rest].entries()) {
    dir = join(dir, part);
    let created = false;
    try {
      const st = lstatSync(dir);
      if (st.isSymbolicLink()) throw new OutputError(`${dir} is a symlink; shiplog only writes into real folders`, 'ESYMLINK');
      if (!st.isDirectory()) throw new OutputError(`${dir} exists and is not a folder`, 'ENOTDIR');
    } catch (err) {
      if (!(isErrno(err) && err.code === 'ENOENT')) throw err;
      mkdirSync(dir);
      created = true;
    }
    if (i === 0 && created && !commit) writeFileSync(join(dir, '.gitignore'), '*\n', { flag: 'wx' });
  }
  return dir;
}
