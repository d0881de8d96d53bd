import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gitInfo } from '../../src/git.js';
import { cleanup, gitRepo, tempDir } from '../helpers.js';

/**
 * gitInfo asks git fewer times than one question per answer; whatever it asks, its answers must be
 * those of the three questions it replaced: `rev-parse HEAD`, `symbolic-ref --short -q HEAD` (else
 * "HEAD") and `config --get remote.origin.url`, in every state a repository can be in.
 */
function git(dir: string, ...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout.trim() };
}

function oneByOne(dir: string) {
  const commit = git(dir, 'rev-parse', 'HEAD');
  if (!commit.ok || !/^[0-9a-f]{40,64}$/.test(commit.out)) return null;
  const branch = git(dir, 'symbolic-ref', '--short', '-q', 'HEAD');
  const remote = git(dir, 'config', '--get', 'remote.origin.url');
  return {
    remote: remote.ok && remote.out ? remote.out : null,
    branch: branch.ok && branch.out ? branch.out : 'HEAD',
    commit: commit.out,
  };
}

describe('gitInfo', () => {
  const root = tempDir('shiplog-gitinfo-');
  after(() => cleanup(root));
  let n = 0;
  const repo = (withCommit = true) => gitRepo(join(root, `r${n++}`), withCommit);

  const cases: Record<string, () => string> = {
    'a branch with a commit': () => repo(),
    'a branch whose name has slashes, and a remote': () => {
      const r = repo();
      git(r, 'checkout', '-q', '-b', 'feature/deep/name');
      git(r, 'remote', 'add', 'origin', 'https://example.com/some repo.git');
      return r;
    },
    'a detached HEAD': () => {
      const r = repo();
      git(r, 'checkout', '-q', '--detach');
      return r;
    },
    'a branch named like a tag (ambiguous short name)': () => {
      const r = repo();
      git(r, 'tag', 'topic');
      git(r, 'checkout', '-q', '-b', 'topic');
      git(r, 'commit', '-q', '--allow-empty', '-m', 'second');
      return r;
    },
    'a branch named HEAD-like': () => {
      const r = repo();
      git(r, 'checkout', '-q', '-b', 'heads/x');
      return r;
    },
    'two remote urls (the last counts)': () => {
      const r = repo();
      git(r, 'config', 'remote.origin.url', 'one');
      git(r, 'config', '--add', 'remote.origin.url', 'two');
      return r;
    },
    'no commit yet': () => repo(false),
    'a subfolder of a repository': () => {
      const r = repo();
      const sub = join(r, 'a', 'b');
      mkdirSync(sub, { recursive: true });
      return sub;
    },
    'no repository': () => {
      const d = join(root, `plain${n++}`);
      mkdirSync(d);
      return d;
    },
  };

  for (const [name, make] of Object.entries(cases)) {
    it(`${name}: the answers of the three separate questions`, async () => {
      const dir = make();
      assert.deepEqual(await gitInfo(dir), oneByOne(dir));
    });
  }
});
