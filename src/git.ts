import { runBounded } from './bounded-child.js';
import type { GitInfo } from './devlog/schema.js';

/**
 * git is run with argument arrays only, never through a shell, and never prompts. Each run has a
 * hard deadline (see bounded-child.ts): a git that ignores SIGTERM, or waits on a hung network
 * mount, is SIGKILLed with its process group and given up, and a grandchild holding its output
 * open does not hold the worker. Its own group also means Ctrl-C at a terminal running `shiplog
 * backfill` (which stops backfill between sessions) does not kill the git of the session still
 * finishing, whose repository or actor would silently become a fallback. node's own
 * child_process, not execa: the worker runs git on every run, and execa's module graph costs
 * ~15 MB of resident memory that the worker's memory budget cannot spare.
 */
export const GIT_DEADLINE_MS = 10_000;

/** Tests pass a shorter deadline; nothing a repository or the environment sets changes it. */
export interface GitOptions {
  deadlineMs?: number;
}

async function git(cwd: string, args: string[], opts: GitOptions = {}): Promise<string | null> {
  const r = await runBounded('git', args, {
    cwd,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    deadlineMs: opts.deadlineMs ?? GIT_DEADLINE_MS,
    maxOutput: 8 << 20,
  });
  // Missing git, not a repository, an unset key, or no answer in time: the caller falls back.
  return r.exitCode === 0 && !r.timedOut ? r.stdout.trim() : null;
}

/** The repository an output belongs to: the git top level of `cwd`, else `cwd` itself. */
export async function repoRoot(cwd: string, opts: GitOptions = {}): Promise<string> {
  return (await git(cwd, ['rev-parse', '--show-toplevel'], opts)) ?? cwd;
}

export async function gitInfo(repo: string, opts: GitOptions = {}): Promise<GitInfo | null> {
  const [commit, branch, remote] = await Promise.all([
    git(repo, ['rev-parse', 'HEAD'], opts),
    git(repo, ['symbolic-ref', '--short', '-q', 'HEAD'], opts),
    git(repo, ['config', '--get', 'remote.origin.url'], opts),
  ]);
  if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) return null;
  return { remote: remote || null, branch: branch || 'HEAD', commit };
}

export async function gitUserEmail(repo: string, opts: GitOptions = {}): Promise<string | null> {
  return git(repo, ['config', '--get', 'user.email'], opts);
}

/** A commit as `git log` lists it: subject only, committer time in ms. */
export interface LoggedCommit {
  hash: string;
  message: string;
  at: number;
}

/**
 * The commits made between `since` and `until`, newest first (at most 2,000), or null when
 * `repo` is no repository, git is missing or it did not answer in time. One call serves every
 * window a batch of lines closed; it runs before the batch's database transaction, which is never
 * held open while git runs.
 */
export async function commitsBetween(repo: string, since: Date, until: Date, opts: GitOptions = {}): Promise<LoggedCommit[] | null> {
  const out = await git(repo, ['log', '-n', '2000', `--since=${since.toISOString()}`, `--until=${until.toISOString()}`, '--format=%H%x1f%ct%x1f%s'], opts);
  if (out === null) return null;
  const commits: LoggedCommit[] = [];
  for (const line of out.split('\n')) {
    const [hash, seconds, subject] = line.split('\x1f');
    if (hash && /^[0-9a-f]{40,64}$/.test(hash) && subject !== undefined) commits.push({ hash, message: subject, at: Number(seconds) * 1000 });
  }
  return commits;
}
