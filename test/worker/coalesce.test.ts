import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { workerMain } from '../../src/worker/main.js';
import { cleanup, gitRepo, HOOK, hookEnv, readOutputs, runProcess, stopPayload, tempDir } from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

/**
 * A trigger that arrives while a run holds the session is not dropped: its own worker finds the
 * lock taken and exits, and the running worker takes the job before it exits.
 */
describe('triggers during a run', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('are picked up by the running worker', async () => {
    const repo = join(root, 'repo');
    gitRepo(repo);
    const home = join(root, 'home');
    const lines = readFileSync(claudeFixture('long'), 'utf8').split('\n').filter(Boolean);
    const transcript = join(root, 'busy.jsonl');
    const half = Math.floor(lines.length / 2);
    writeFileSync(transcript, `${lines.slice(0, half).join('\n')}\n`);

    // First job: a Stop whose reply never shows up keeps this (in-process) worker busy in its
    // bounded wait while the second trigger arrives.
    const spool = join(home, 'spool', 'busy');
    mkdirSync(spool, { recursive: true });
    const payload = {
      session_id: 'busy',
      transcript_path: transcript,
      cwd: repo,
      hook_event_name: 'Stop',
      last_assistant_message: 'a reply that is never written',
    };
    writeFileSync(
      join(spool, '000000000000001-first.json'),
      JSON.stringify({ v: 1, agent: 'claude-code', received_at: new Date().toISOString(), payload }),
    );
    const env = hookEnv(home, { SHIPLOG_STOP_WAIT_MS: '2500' });
    const running = workerMain('busy', env);

    await waitForLock(home, 'busy');
    writeFileSync(transcript, `${lines.join('\n')}\n`);
    const hook = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env,
      input: stopPayload('busy', transcript, repo),
    });
    assert.equal(hook.code, 0);
    await running;

    assert.deepEqual(existsSync(spool) ? readdirSync(spool) : [], [], 'no job left behind');
    const db = new Database(join(home, 'state.db'), { readonly: true });
    const runs = db.prepare('SELECT pid, status FROM runs WHERE session_id = ? ORDER BY id').all('busy') as {
      pid: number;
      status: string;
    }[];
    const offset = (db.prepare('SELECT offset FROM sessions WHERE session_id = ?').get('busy') as { offset: number })
      .offset;
    db.close();
    assert.ok(runs.length >= 2 && runs.every((r) => r.pid === process.pid && r.status === 'ok'), JSON.stringify(runs));
    assert.equal(offset, readFileSync(transcript).length, 'the later bytes were read by the running worker');
    const lastPrompt = readOutputs(repo, 'busy').devlog ?? '';
    assert.ok(lastPrompt.includes('"type": "user"'));
  });
});

async function waitForLock(home: string, session: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (existsSync(join(home, 'state.db'))) {
      const db = new Database(join(home, 'state.db'), { readonly: true, timeout: 5000 });
      const row = db.prepare('SELECT pid FROM locks WHERE session_id = ?').get(session);
      db.close();
      if (row) return;
    }
    await sleep(25);
  }
  throw new Error('the worker never took the session lock');
}
