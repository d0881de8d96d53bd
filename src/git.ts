import { execa } from 'execa';
import type { GitInfo } from './devlog/schema.js';

/** git is run with argument arrays only, never through a shell, and never prompts. */
async function git(cwd: string, args: string[]): Promise<string | null> {
  const r = await execa('git', args, {
    cwd,
    reject: false,
    timeout: 10_000,
    stdin: 'ignore',
    env: { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
  });
  return r.exitCode === 0 && typeof r.stdout === 'string' ? r.stdout.trim() : null;
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
