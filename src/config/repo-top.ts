import { lstatSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isErrno } from '../kit/errno.js';

/**
 * The top level of the repository `dir` is in: the nearest folder, `dir` itself or above, that
 * holds a `.git` (a folder, or the file a worktree or submodule has); `dir` itself outside any
 * repository. The same answer as `git rev-parse --show-toplevel` for the ordinary layouts, but
 * synchronous and without a process: `shiplog backfill` plans with it, since it starts no git
 * before its session processes do. Everything else asks git (src/worker/session-repo.ts).
 */
export function repoTop(dir: string): string {
  const start = resolve(dir);
  for (let at = start; ; at = dirname(at)) {
    if (hasGit(at)) return at;
    if (dirname(at) === at) return start;
  }
}

function hasGit(dir: string): boolean {
  try {
    const st = lstatSync(join(dir, '.git'));
    return st.isDirectory() || st.isFile();
  } catch (err) {
    // Missing, or a folder we may not look into: either way not a repository we can use.
    if (isErrno(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR' || err.code === 'EACCES')) return false;
    throw err;
  }
}
