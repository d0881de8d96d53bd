import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { commitsBetween, gitInfo, repoRoot } from '../../src/git.js';
import { cleanup, gitRepo, tempDir } from '../helpers.js';
import {
  eventually,
  groupMembers,
  killRecorded,
  processesWith,
  recordedPids,
  running,
  withinBound,
} from '../process-groups.js';
import { stuckGit } from './stuck-git.js';

/**
 * git's hard deadline, passed as a parameter: a git that never answers costs the caller the
 * deadline and no more, leaves no process in its group, and one whose grandchild holds its
 * output is read as soon as it exits.
 */
describe('git deadline (fake git on PATH, deadline as a parameter)', () => {
  const root = tempDir('shiplog-gitdl-');
  const pidFiles: string[] = [];
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });
  after(() => {
    for (const f of pidFiles) killRecorded(f);
    cleanup(root);
  });
  let n = 0;
  const setup = (mode: 'stubborn' | 'holder', subcommand: string) => {
    const dir = join(root, String(n++));
    const repo = gitRepo(join(dir, 'repo'), true);
    const fake = stuckGit(dir, mode, subcommand);
    pidFiles.push(fake.pids);
    process.env.PATH = `${fake.bin}:${path ?? ''}`;
    return { repo, pids: fake.pids, marker: fake.marker };
  };
  // Nothing the fake started is left: not the stuck git, nor anything in its group. (Under load
  // the deadline may come before the fake recorded its pid; its marker still finds what it left.)
  const nothingLeft = (s: { pids: string; marker: string }) =>
    eventually(
      () =>
        processesWith(s.marker).length === 0 &&
        recordedPids(s.pids).every((pid) => !running(pid) && groupMembers(pid).length === 0),
    );

  it('repoRoot: a git ignoring SIGTERM costs the deadline, then the folder itself is used; its group is gone', async () => {
    const s = setup('stubborn', 'rev-parse');
    const sub = join(s.repo, 'sub');
    mkdirSync(sub);
    assert.equal(await withinBound(repoRoot(sub, { deadlineMs: 1000 })), sub);
    assert.ok(await nothingLeft(s), `left running: ${processesWith(s.marker).join(' ')}`);
  });

  it('commitsBetween: a git log ignoring SIGTERM gives no list (nothing to resolve against); its group is gone', async () => {
    const s = setup('stubborn', 'log');
    assert.equal(await withinBound(commitsBetween(s.repo, new Date(0), new Date(), { deadlineMs: 1000 })), null);
    assert.ok(await nothingLeft(s), `left running: ${processesWith(s.marker).join(' ')}`);
  });

  it("gitInfo and commitsBetween: a grandchild (setsid) holding git's stdout does not cost the deadline or the answer", async () => {
    const s = setup('holder', 'rev-parse');
    const expected = spawnSync('git', ['-C', s.repo, 'log', '-1', '--format=%H'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: path },
    }).stdout.trim();
    // A deadline far beyond the test's own bound: the answer must come from git's exit.
    const info = await withinBound(gitInfo(s.repo, { deadlineMs: 600_000 }));
    assert.equal(info?.commit, expected);
    const holders = recordedPids(s.pids);
    assert.ok(holders.length > 0 && holders.every(running), 'the grandchildren still hold the output');

    const logged = setup('holder', 'log');
    const list = await withinBound(
      commitsBetween(logged.repo, new Date(0), new Date(Date.now() + 60_000), { deadlineMs: 600_000 }),
    );
    assert.equal(list?.length, 1);
  });

  it('a missing git gives the fallback at once', async () => {
    process.env.PATH = join(root, 'no-such-bin');
    const dir = tempDir('shiplog-nogit-');
    try {
      assert.equal(await withinBound(repoRoot(dir, { deadlineMs: 600_000 })), dir);
      assert.equal(await withinBound(gitInfo(dir, { deadlineMs: 600_000 })), null);
    } finally {
      cleanup(dir);
    }
  });
});
