import { type BoundedRun, runBounded } from './bounded-child.js';
import type { GitInfo } from './devlog/schema.js';
import type { LoggedCommit } from './changelog/resolve-commits.js';

export type { LoggedCommit };

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
const GIT_DEADLINE_MS = 10_000;

/** Tests pass a shorter deadline; nothing a repository or the environment sets changes it. */
export interface GitOptions {
  deadlineMs?: number;
}

async function git(cwd: string, args: string[], opts: GitOptions = {}): Promise<string | null> {
  const out = await gitRaw(cwd, args, opts);
  return out === null ? null : out.trim();
}

/** Answers kept by `rememberRepoState`, by folder and question; null: every question runs git. */
let remembered: Map<string, Promise<BoundedRun>> | null = null;

/**
 * From now on, this process asks git once per folder about the state of a repository: its top
 * level, HEAD, branch and remote, HEAD's first-parent history. `shiplog backfill` calls it: it
 * reads finished sessions against the repositories as they are while it runs, and asks the same
 * questions again for every session of a repository. A git process is most of a small session's
 * cost, and the part that shares the cores worst (each start copies node's page tables). A hook's
 * worker never calls it: it lives on between turns while the repository moves.
 */
export function rememberRepoState(): void {
  remembered ??= new Map();
}

/** `git` for a question about the repository's state: answered from memory once remembered. */
async function gitState(cwd: string, args: string[], opts: GitOptions = {}): Promise<string | null> {
  if (remembered === null) return git(cwd, args, opts);
  const key = JSON.stringify([cwd, args]);
  let run = remembered.get(key);
  if (run === undefined) {
    run = gitRun(cwd, args, opts);
    remembered.set(key, run);
  }
  const r = await run;
  // No answer in time is no answer: the next session asks again.
  if (r.timedOut) remembered.delete(key);
  return r.exitCode === 0 && !r.timedOut ? r.stdout.trim() : null;
}

async function gitRaw(cwd: string, args: string[], opts: GitOptions = {}): Promise<string | null> {
  const r = await gitRun(cwd, args, opts);
  // Missing git, not a repository, an unset key, or no answer in time: the caller falls back.
  return r.exitCode === 0 && !r.timedOut ? r.stdout : null;
}

function gitRun(cwd: string, args: string[], opts: GitOptions): Promise<BoundedRun> {
  return runBounded('git', args, {
    cwd,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
    deadlineMs: opts.deadlineMs ?? GIT_DEADLINE_MS,
    maxOutput: 8 << 20,
  });
}

/**
 * Whether `dir` lies in a git work tree: false when git says it does not (or git is not
 * installed), null when git did not answer in time.
 */
export async function isWorkTree(dir: string, opts: GitOptions = {}): Promise<boolean | null> {
  const r = await gitRun(dir, ['rev-parse', '--is-inside-work-tree'], opts);
  if (r.timedOut) return null;
  return r.exitCode === 0 && r.stdout.trim() === 'true';
}

/** The repository an output belongs to: the git top level of `cwd`, else `cwd` itself. */
export async function repoRoot(cwd: string, opts: GitOptions = {}): Promise<string> {
  return (await gitState(cwd, ['rev-parse', '--show-toplevel'], opts)) ?? cwd;
}

export async function gitInfo(repo: string, opts: GitOptions = {}): Promise<GitInfo | null> {
  // HEAD's commit and its branch from one git run: each git costs a short run ~15 ms of CPU
  // (node's fork and git's own start), a quarter of what node's own start costs. `--abbrev-ref=loose` shortens the way
  // `symbolic-ref --short` does, and prints "HEAD" for a detached HEAD, as the fallback did.
  const [head, remote] = await Promise.all([
    gitState(repo, ['rev-parse', 'HEAD', '--abbrev-ref=loose', 'HEAD'], opts),
    gitState(repo, ['config', '--get', 'remote.origin.url'], opts),
  ]);
  const [commit, branch] = head?.split('\n') ?? [];
  if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) return null;
  return { remote: remote || null, branch: branch || 'HEAD', commit };
}

/**
 * The user e-mail git holds for `repo`: its value, `null` when git says none is set (or git is
 * missing), `undefined` when git did not answer (killed, or past its deadline), which says nothing.
 */
export async function gitUserEmail(repo: string, opts: GitOptions = {}): Promise<string | null | undefined> {
  const r = await gitRun(repo, ['config', '--get', 'user.email'], opts);
  if (r.timedOut || r.signal !== null) return undefined;
  return r.exitCode === 0 ? r.stdout.trim() || null : null;
}

/**
 * The commits made between `since` and `until`, newest first (at most 2,000), or null when
 * `repo` is no repository, git is missing or it did not answer in time. One call serves every
 * window a batch of lines closed; it runs before the batch's database transaction, which is never
 * held open while git runs.
 */
export async function commitsBetween(
  repo: string,
  since: Date,
  until: Date,
  opts: GitOptions = {},
): Promise<LoggedCommit[] | null> {
  const out = await git(
    repo,
    [
      'log',
      '-n',
      '2000',
      `--since=${since.toISOString()}`,
      `--until=${until.toISOString()}`,
      '--format=%H%x1f%ct%x1f%s',
    ],
    opts,
  );
  if (out === null) return null;
  const commits: LoggedCommit[] = [];
  for (const line of out.split('\n')) {
    const [hash, seconds, subject] = line.split('\x1f');
    if (hash && /^[0-9a-f]{40,64}$/.test(hash) && subject !== undefined)
      commits.push({ hash, message: subject, at: Number(seconds) * 1000 });
  }
  return commits;
}

/** The commit `commit` was made on top of, or null for a root commit or an unknown hash. */
export async function parentOf(repo: string, commit: string, opts: GitOptions = {}): Promise<string | null> {
  if (!/^[0-9a-f]{40,64}$/.test(commit)) return null;
  const out = await git(repo, ['rev-parse', '--verify', '-q', `${commit}^`], opts);
  return out && /^[0-9a-f]{40,64}$/.test(out) ? out : null;
}

/** The newest commit in HEAD's history made before `at`, or null (none, or not a repository). */
export async function commitBefore(repo: string, at: Date, opts: GitOptions = {}): Promise<string | null> {
  const out = await git(repo, ['rev-list', '-1', `--before=${at.toISOString()}`, 'HEAD'], opts);
  return out && /^[0-9a-f]{40,64}$/.test(out) ? out : null;
}

/** Pathspecs per git call: well under any argument-length limit. */
const PATHS_PER_CALL = 200;

async function namesFor(
  repo: string,
  args: string[],
  paths: readonly string[],
  opts: GitOptions,
): Promise<Set<string> | null> {
  const out = new Set<string>();
  for (let i = 0; i < paths.length; i += PATHS_PER_CALL) {
    // Literal pathspecs: a file named `*` or `:(top)` from a transcript is a name, not a pattern.
    const text = await gitRaw(
      repo,
      ['--literal-pathspecs', ...args, '--', ...paths.slice(i, i + PATHS_PER_CALL)],
      opts,
    );
    if (text === null) return null;
    for (const name of text.split('\0')) if (name !== '') out.add(name);
  }
  return out;
}

/** Which of `paths` (repository-relative) the tree of `commit` holds; null when git cannot say. */
export function trackedIn(
  repo: string,
  commit: string,
  paths: readonly string[],
  opts: GitOptions = {},
): Promise<Set<string> | null> {
  return namesFor(repo, ['ls-tree', '-r', '-z', '--name-only', commit], paths, opts);
}

/**
 * Which of `paths` some commit after `base` (up to HEAD) added, changed or removed; with no base
 * (the window began before the first commit), which of them HEAD holds.
 */
export function committedSince(
  repo: string,
  base: string | null,
  paths: readonly string[],
  opts: GitOptions = {},
): Promise<Set<string> | null> {
  return base === null
    ? trackedIn(repo, 'HEAD', paths, opts)
    : namesFor(repo, ['diff', '--name-only', '-z', '--no-renames', base, 'HEAD'], paths, opts);
}

/**
 * HEAD's first-parent history, newest first (at most `limit` commits): hash and committer time
 * in ms. Null when `repo` is no repository, has no commit yet, or git did not answer. One call
 * gives every window of a batch the commit it started from.
 */
export async function firstParentHistory(
  repo: string,
  limit = 2000,
  opts: GitOptions = {},
): Promise<LoggedCommit[] | null> {
  const out = await gitState(repo, ['log', '--first-parent', '-n', String(limit), '--format=%H %ct', 'HEAD'], opts);
  if (out === null) return null;
  const commits: LoggedCommit[] = [];
  for (const line of out.split('\n')) {
    const [hash, seconds] = line.split(' ');
    if (hash && /^[0-9a-f]{40,64}$/.test(hash) && seconds)
      commits.push({ hash, message: '', at: Number(seconds) * 1000 });
  }
  return commits;
}
