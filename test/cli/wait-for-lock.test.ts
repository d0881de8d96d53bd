import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, it } from 'node:test';
import { openDb } from '../../src/state/db.js';
import { releaseLock, tryLock } from '../../src/state/session-lock.js';
import { cleanup, ROOT, runProcess, tempDir } from '../helpers.js';

const root = tempDir('shiplog-wait-lock-');
after(() => cleanup(root));

/** A separate process (a command the user runs) asking for the session's lock through the built code. */
function waiterScript(home: string, sessionId: string): string {
  const url = (p: string) => pathToFileURL(join(ROOT, 'dist', 'src', p)).href;
  return `
    const { openDb } = await import(${JSON.stringify(url('state/db.js'))});
    const { waitForLock } = await import(${JSON.stringify(url('cli/wait-for-lock.js'))});
    const db = openDb(${JSON.stringify(home)});
    const lock = await waitForLock(db, ${JSON.stringify(sessionId)});
    process.stdout.write('took ' + lock.sessionId);
    db.close();
  `;
}

it('takes a free lock at once, without a word', async () => {
  const home = join(root, 'free');
  openDb(home).close();
  const r = await runProcess(process.execPath, ['--input-type=module', '-e', waiterScript(home, 's-free')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'took s-free');
  assert.equal(r.stderr, '');
});

it('says once that it waits for the holder, and takes the lock when the holder lets go', async () => {
  const home = join(root, 'held');
  const db = openDb(home);
  const held = tryLock(db, 's-held');
  assert.ok(held);
  const child = spawn(process.execPath, ['--input-type=module', '-e', waiterScript(home, 's-held')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const waiting = new Promise<void>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('\n')) resolve();
    });
    // A waiter that died before saying anything fails the assertions below rather than hang the test.
    child.on('close', () => resolve());
  });
  const exited = once(child, 'close');
  await waiting;
  assert.equal(stdout, '', 'nothing taken while this process holds the lock');
  releaseLock(db, held);
  const [code] = await exited;
  db.close();
  assert.equal(code, 0, stderr);
  assert.equal(stdout, 'took s-held');
  assert.equal(stderr, 'shiplog: waiting for the worker already processing s-held…\n');
});
