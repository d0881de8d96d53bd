import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Adapter } from '../adapters/adapter.js';
import type { AgentId } from '../agents/ids.js';
import { repoRoot } from '../git.js';
import type { SessionRow } from '../state/sessions.js';
import { readLines } from '../tail/tail.js';
import type { RunRequest } from './run-types.js';
import { CWD_LINE_LIMIT, discoverCwd, transcriptCwd } from './transcript-cwd.js';

/** What is known of where a session works when one of its runs is about to start. */
export interface SessionWhere {
  agent: AgentId;
  transcriptPath: string;
  /** The working folder a hook payload named. */
  cwd?: string | undefined;
  /** An explicit output repository (`shiplog process --repo`). */
  repo?: string | undefined;
}

/**
 * The repository a session's outputs go to, and so whose settings apply to it
 * (config/session-config.ts): an explicit `--repo`'s git top level; else the repository the
 * session is recorded under, so a session stays where its outputs went even after its agent
 * moved into another repository; else the git top level of its working folder (the payload's,
 * else the first the transcript names), or that folder outside any repository. null: no usable
 * folder. The pipeline asks this for every run; the worker and the CLI ask it before a run, to
 * load the settings the run will use. `firstCwd` reads the transcript's first working folder
 * (the pipeline reads it from the file it already holds open).
 */
export async function sessionRepo(
  where: SessionWhere,
  stored: string | null | undefined,
  firstCwd = () => transcriptCwd(where.transcriptPath, where.agent),
): Promise<string | null> {
  if (where.repo) return usableDir(where.repo) ? repoRoot(where.repo) : null;
  if (stored && usableDir(stored)) return stored;
  const cwd = where.cwd && usableDir(where.cwd) ? where.cwd : firstCwd();
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

/** For a run: the same answer the worker and the CLI loaded its settings for, the transcript read from `fd`. */
export function resolveRepo(
  req: RunRequest,
  row: SessionRow,
  fd: number,
  adapter: Adapter<unknown>,
): Promise<string | null> {
  return sessionRepo(req, row.repo, () => discoverCwd(readLines(fd, 0, CWD_LINE_LIMIT), adapter));
}
