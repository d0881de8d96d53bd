import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, tempDir } from './helpers.js';
import { killRecorded } from './process-groups.js';

const root = tempDir();
after(() => cleanup(root));

/** How a detached `sleep` (its own process group) ended: the signal that killed it. */
function sleeper(env: NodeJS.ProcessEnv) {
  const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore', env });
  assert.ok(child.pid);
  const ended = once(child, 'exit').then(([, signal]) => signal as NodeJS.Signals | null);
  return { pid: child.pid, ended };
}

/**
 * A test clears the processes its fakes recorded long after most of them ended; by then the kernel
 * may have given a recorded pid to another process, the leader of another test's (or another
 * suite's) process group. Killing `-pid` then took that whole group: a concurrent `npm test` died
 * with SIGKILL (exit 137). Only processes that carry the test's folder in their environment are
 * the test's to kill.
 */
it('kills no process whose recorded pid now belongs to someone else', async () => {
  const stranger = sleeper({ PATH: process.env.PATH });
  const pids = join(root, 'theirs', 'pids');
  mkdirSync(join(root, 'theirs'));
  writeFileSync(pids, `${stranger.pid}\n`);
  killRecorded(pids);
  // Signals arrive in order, and SIGKILL first: had killRecorded sent one, it would be the cause.
  process.kill(stranger.pid, 'SIGTERM');
  assert.equal(await stranger.ended, 'SIGTERM');
});

it("kills a recorded process that is the test's", async () => {
  const dir = join(root, 'mine');
  mkdirSync(dir);
  const pids = join(dir, 'pids');
  const own = sleeper({ PATH: process.env.PATH, FAKE_PIDS: pids });
  writeFileSync(pids, `${own.pid}\n`);
  killRecorded(pids);
  assert.equal(await own.ended, 'SIGKILL');
});
