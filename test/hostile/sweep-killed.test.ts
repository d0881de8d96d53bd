import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, it } from 'node:test';
import { openDb } from '../../src/state/db.js';
import { unreportedSession } from './unreported-session.js';
import { CLI, cleanup, prng, readOutputs, runProcess, tempDir } from '../helpers.js';

const root = tempDir();
after(() => cleanup(root));

/**
 * Issue 16: a sweep killed at any moment while it reads a session (SIGKILL: no cleanup runs)
 * leaves nothing half done that the next sweep would double. A recorded Claude Code session no
 * hook named is swept by `shiplog sweep` processes killed at random moments, then by one that is
 * let finish: its devlog and entries equal those of one sweep never interrupted.
 */
it('shiplog sweep SIGKILLed at random moments, then let finish, writes what one clean sweep writes', async () => {
  const setup = (name: string) => unreportedSession(join(root, name));
  const sweepOnce = (env: NodeJS.ProcessEnv) => {
    const child = spawn(process.execPath, [CLI, 'sweep'], { env, stdio: 'ignore' });
    return { child, exited: once(child, 'exit') };
  };

  const clean = setup('clean');
  const session = clean.session;
  const started = Date.now();
  await sweepOnce(clean.env).exited;
  // Kills land anywhere in a sweep's life on this machine, however loaded: startup, reading, appending.
  const lifeMs = Date.now() - started;
  const expected = readOutputs(clean.repo, session);
  assert.ok(expected.entries.trim() !== '', 'the clean sweep wrote an entry');

  const killed = setup('killed');
  const rand = prng(16);
  for (let i = 0; i < 25; i++) {
    const s = sweepOnce(killed.env);
    await sleep(Math.floor(rand() * lifeMs));
    s.child.kill('SIGKILL');
    await s.exited;
  }
  const last = await runProcess(process.execPath, [CLI, 'sweep'], { env: killed.env });
  const got = readOutputs(killed.repo, session);
  const moved = (text: string) => text.replaceAll(join(root, 'clean'), join(root, 'killed'));
  // What the last sweep said and logged is what explains a difference.
  const log = readFileSync(join(killed.home, 'shiplog.log'), 'utf8').split('\n').slice(-15).join('\n');
  const db = openDb(killed.home);
  const state = JSON.stringify([
    db.prepare('SELECT session_id, offset, ended_at, window_state, updated_at FROM sessions').all(),
    db.prepare('SELECT run_id, status, needs_eval FROM windows').all(),
    db.prepare('SELECT * FROM meta').all(),
    db.prepare('SELECT * FROM locks').all(),
  ]);
  db.close();
  assert.equal(
    got.entries,
    moved(expected.entries),
    `last sweep (exit ${last.code}): ${last.stdout}${last.stderr}\nlog:\n${log}\nstate: ${state}`,
  );
  assert.equal(got.devlog, expected.devlog === null ? null : moved(expected.devlog));
  assert.equal(got.failures, '');
  rmSync(join(root, 'clean'), { recursive: true, force: true });
});
