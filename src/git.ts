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

/**
 * The commit a `git commit -q` made, which printed no hash: the newest commit at or before `until`
 * (the window's end) whose subject is `message` (any, when the message is not known), not older
 * than `since`. Synchronous because entries are built inside the run's database transaction;
 * it runs only for such commits, and git answers in milliseconds.
 */
export function findCommitSync(repo: string, message: string, since: string, until: string): { hash: string; message: string } | null {
  let out: string;
  try {
    out = execFileSync('git', ['log', '-n', '50', `--since=${since}`, `--until=${until}`, '--format=%H%x1f%s'], {
      cwd: repo,
      timeout: 10_000,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    });
  } catch {
    // Not a repository any more, or git is missing: the commit is left out of the entry.
    return null;
  }
  for (const line of out.split('\n')) {
    const [hash, subject] = line.split('\x1f');
    if (hash && /^[0-9a-f]{40,64}$/.test(hash) && subject !== undefined && (message === '' || subject === message.split('\n')[0])) return { hash, message: subject };
  }
  return null;
}
