import { execFile, execFileSync } from 'node:child_process';
import type { GitInfo } from './devlog/schema.js';

/**
 * git is run with argument arrays only, never through a shell, and never prompts. node's own
 * execFile rather than execa here: the worker runs git on every run, and execa's module graph
 * costs ~15 MB of resident memory that the worker's memory budget cannot spare.
 */
function git(cwd: string, args: string[]): Promise<string | null> {
  // A group of its own (execFile hands `detached` on to spawn): Ctrl-C at a terminal running
  // `shiplog backfill` stops backfill between sessions, and must not kill the git of the session
  // still finishing (its repository or actor would silently become a fallback).
  const options = { cwd, timeout: 10_000, encoding: 'utf8' as const, detached: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' } };
  return new Promise((resolve) => {
    execFile('git', args, options, (err, stdout) => resolve(err ? null : stdout.trim()));
  });
}

/** The repository an output belongs to: the git top level of `cwd`, else `cwd` itself. */
export async function repoRoot(cwd: string): Promise<string> {
  return (await git(cwd, ['rev-parse', '--show-toplevel'])) ?? cwd;
}

export async function gitInfo(repo: string): Promise<GitInfo | null> {
  const [commit, branch, remote] = await Promise.all([
    git(repo, ['rev-parse', 'HEAD']),
    git(repo, ['symbolic-ref', '--short', '-q', 'HEAD']),
    git(repo, ['config', '--get', 'remote.origin.url']),
  ]);
  if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) return null;
  return { remote: remote || null, branch: branch || 'HEAD', commit };
}

export async function gitUserEmail(repo: string): Promise<string | null> {
  return git(repo, ['config', '--get', 'user.email']);
}

/** A commit as `git log` lists it: subject only, committer time in ms. */
export interface LoggedCommit {
  hash: string;
  message: string;
  at: number;
}

/**
 * The commits made between `since` and `until`, newest first (at most 2,000), or null when
 * `repo` is no repository or git is missing. Synchronous because entries are built inside the
 * run's database transaction; one call serves every window a batch of lines closed.
 */
export function commitsBetweenSync(repo: string, since: Date, until: Date): LoggedCommit[] | null {
  let out: string;
  try {
    out = execFileSync('git', ['log', '-n', '2000', `--since=${since.toISOString()}`, `--until=${until.toISOString()}`, '--format=%H%x1f%ct%x1f%s'], {
      cwd: repo,
      timeout: 10_000,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
      maxBuffer: 8 << 20,
    });
  } catch {
    // Not a repository any more, no commits yet, or git is missing: nothing to look up in.
    return null;
  }
  const commits: LoggedCommit[] = [];
  for (const line of out.split('\n')) {
    const [hash, seconds, subject] = line.split('\x1f');
    if (hash && /^[0-9a-f]{40,64}$/.test(hash) && subject !== undefined) commits.push({ hash, message: subject, at: Number(seconds) * 1000 });
  }
  return commits;
}
