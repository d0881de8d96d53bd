import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Adapter } from '../adapters/adapter.js';
import { repoRoot } from '../git.js';
import type { SessionRow } from '../state/sessions.js';
import { readLines } from '../tail/tail.js';
import { CWD_LINE_LIMIT, discoverCwd } from './transcript-cwd.js';
import type { RunRequest } from './run-types.js';

/**
 * The repository a session's outputs go to: the one asked for (`shiplog process --repo`), the
 * one recorded for the session, else the git top level of its working folder (the hook's, or the
 * one the transcript `fd` names). Null when none of them is a folder that exists.
 */
export async function resolveRepo(
  req: RunRequest,
  row: SessionRow,
  fd: number,
  adapter: Adapter<unknown>,
): Promise<string | null> {
  if (req.repo) return usableDir(req.repo) ? repoRoot(req.repo) : null;
  if (row.repo && usableDir(row.repo)) return row.repo;
  const cwd = req.cwd && usableDir(req.cwd) ? req.cwd : discoverCwd(readLines(fd, 0, CWD_LINE_LIMIT), adapter);
  return cwd && usableDir(cwd) ? repoRoot(cwd) : null;
}

function usableDir(p: string): boolean {
  if (!isAbsolute(p)) return false;
  try {
    return statSync(p).isDirectory();
  } catch {
    // Missing or unreadable: not a folder we can write into; the caller reports ENOREPO.
    return false;
  }
}
