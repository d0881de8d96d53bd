import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { actorInEffect } from '../../src/actor.js';
import { cleanup, gitRepo, tempDir } from '../helpers.js';
import { killRecorded } from '../process-groups.js';
import { stuckGit } from './stuck-git.js';

/**
 * The actor names the folder an entry goes to. A git that did not answer (killed, or past its
 * deadline on a loaded machine) says nothing about the user's e-mail: taking the OS user then
 * would file the entry under another actor for good.
 */
describe('actor from git', () => {
  const root = tempDir('shiplog-actor-');
  const pidFiles: string[] = [];
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
  });
  after(() => {
    for (const f of pidFiles) killRecorded(f);
    cleanup(root);
  });

  const repoWithEmail = (name: string) => {
    const repo = gitRepo(join(root, name), true);
    spawnSync('git', ['config', 'user.email', 'dev@example.com'], { cwd: repo });
    return repo;
  };

  it('is the git user e-mail when git answers', async () => {
    const actor = await actorInEffect(undefined, repoWithEmail('answers'));
    assert.deepEqual(actor, { value: 'dev@example.com', from: 'git user.email' });
  });

  it('is an error, not the OS user, when git does not answer in time', async () => {
    const repo = repoWithEmail('stuck');
    const fake = stuckGit(join(root, 'stuck-bin'), 'stubborn', 'user.email');
    pidFiles.push(fake.pids);
    process.env.PATH = `${fake.bin}:${path}`;
    await assert.rejects(actorInEffect(undefined, repo, { deadlineMs: 300 }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.equal((err as { code?: unknown }).code, 'EACTOR');
      assert.match(err.message, /git did not answer/);
      return true;
    });
  });

  it('is the OS user when git answers that no e-mail is set', async () => {
    const repo = gitRepo(join(root, 'unset'), true);
    spawnSync('git', ['config', '--unset', 'user.email'], { cwd: repo });
    const home = join(root, 'home');
    const env = {
      HOME: process.env.HOME,
      XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME,
      G: process.env.GIT_CONFIG_GLOBAL,
    };
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = home;
    process.env.GIT_CONFIG_GLOBAL = join(home, 'none');
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    try {
      const actor = await actorInEffect(undefined, repo);
      assert.equal(actor.from, 'OS user');
    } finally {
      process.env.HOME = env.HOME;
      if (env.XDG_CONFIG_HOME === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = env.XDG_CONFIG_HOME;
      delete process.env.GIT_CONFIG_NOSYSTEM;
      if (env.G === undefined) delete process.env.GIT_CONFIG_GLOBAL;
      else process.env.GIT_CONFIG_GLOBAL = env.G;
    }
  });
});
