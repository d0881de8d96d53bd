import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { Fragment } from '../../src/devlog/fragment.js';
import { devlogPath, writeDevlog } from '../../src/devlog/write.js';
import { cleanup, gitRepo, tempDir } from '../helpers.js';

const root = tempDir();
after(() => cleanup(root));

// A run killed between creating its temporary devlog and renaming it leaves the file behind; the
// next run has another pid and only cleared its own name, so the leftover stayed for good.
it('a devlog write clears temporary files that killed runs left, and not those of a live writer', async () => {
  const repo = gitRepo(join(root, 'repo'));
  const sessionId = 'leftover-session';
  const dir = join(repo, '.devlog', 'sessions');
  mkdirSync(dir, { recursive: true });
  // A pid that was alive and is no more: a child that has exited and been reaped.
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  after(() => live.kill('SIGKILL'));
  const deadTmp = join(dir, `.${sessionId}.json.${dead}.tmp`);
  const liveTmp = join(dir, `.${sessionId}.json.${live.pid}.tmp`);
  const otherSession = join(dir, `.another.json.${dead}.tmp`);
  for (const f of [deadTmp, liveTmp, otherSession]) writeFileSync(f, '{"half":');

  const fragment = Fragment.open(join(root, 'state', `${sessionId}.frag`), 0);
  assert.ok(fragment);
  try {
    writeDevlog(
      repo,
      { session_id: sessionId, timestamp: '2026-01-01T00:00:00.000Z', project_dir: repo, git: null },
      fragment,
      [],
      false,
    );
  } finally {
    fragment.close();
  }
  assert.ok(existsSync(devlogPath(repo, sessionId)));
  assert.equal(existsSync(deadTmp), false, 'the dead run’s leftover is removed');
  assert.equal(existsSync(liveTmp), true, 'a live writer’s file is left alone');
  assert.equal(existsSync(otherSession), true, 'another session’s files are its own runs’ business');
  assert.deepEqual(
    readdirSync(dir).sort(),
    [`.${sessionId}.json.${live.pid}.tmp`, `.another.json.${dead}.tmp`, `${sessionId}.json`].sort(),
  );
});
