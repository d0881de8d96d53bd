import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { claudeTurnLines, simpleTurn } from '../synthetic.js';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  cleanup,
  CODEX_FIXTURES,
  CODEX_HOOK,
  gitRepo,
  HOOK,
  hookEnv,
  readOutputs,
  runProcess,
  stopPayload,
  tempDir,
  waitForWorkers,
} from '../helpers.js';

/**
 * Claude Code may fire Stop before the turn's last assistant record is in the file. The worker
 * waits for the payload's last_assistant_message, so the reply is in the devlog after that Stop.
 * No clock decides the outcome: with the wait, the worker cannot finish before the record lands
 * (it waits for it, up to a minute here); without it, the record is only written once the
 * worker has finished.
 */
describe('Stop before the transcript is flushed', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const turn = simpleTurn(0);
  const lines = claudeTurnLines('late', '/nowhere', turn, 0);
  const lastRecord = lines[lines.length - 1] ?? '';
  const lastText = turn.reply;

  async function scenario(name: string, waitMs: string, landsAfterWorker: boolean): Promise<string> {
    const dir = join(root, name);
    const repo = join(dir, 'repo');
    gitRepo(repo);
    const home = join(dir, 'home');
    const transcript = join(dir, 'late.jsonl');
    const own = claudeTurnLines('late', repo, turn, 0);
    writeFileSync(transcript, `${own.slice(0, -1).join('\n')}\n`);
    const hook = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env: hookEnv(home, { SHIPLOG_STOP_WAIT_MS: waitMs }),
      input: stopPayload('late', transcript, repo, { last_assistant_message: lastText }),
    });
    assert.equal(hook.code, 0);
    // The record lands after the hook has exited, as in the reported races.
    if (landsAfterWorker) await waitForWorkers(home, 'late');
    appendFileSync(transcript, `${own[own.length - 1]}\n`);
    await waitForWorkers(home, 'late');
    return readOutputs(repo, 'late').devlog ?? '';
  }

  it('the last reply is in the devlog written for that Stop', async () => {
    assert.ok(lastRecord.includes(lastText) && lastText.length > 20);
    const devlog = await scenario('waits', '60000', false);
    assert.ok(devlog.includes(JSON.stringify(lastText).slice(1, -1)), 'final reply present');
  });

  it('without the wait the same Stop misses the reply (the check above can fail)', async () => {
    const devlog = await scenario('no-wait', '0', true);
    assert.ok(devlog.length > 0);
    assert.equal(devlog.includes(JSON.stringify(lastText).slice(1, -1)), false);
  });
});

/**
 * Codex fires Stop before the turn's task_complete is written (~10–20 ms later, reference §3.3).
 * The worker waits for that turn's end record, so a Stop run reads the whole turn (the same
 * event-driven setup as above).
 */
describe('Codex Stop before task_complete', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const lines = readFileSync(join(CODEX_FIXTURES, 'paginated-classic.jsonl'), 'utf8').split('\n').filter(Boolean);
  const end = lines.findIndex((l) => l.includes('"type":"task_complete"'));
  const turnId = (JSON.parse(lines[end] ?? '{}') as { payload: { turn_id: string } }).payload.turn_id;
  const before = `${lines.slice(0, end).join('\n')}\n`;
  const through = `${before}${lines[end]}\n`;

  async function offsetAfterStop(name: string, waitMs: string, landsAfterWorker: boolean): Promise<number> {
    const dir = join(root, name);
    const repo = join(dir, 'repo');
    gitRepo(repo);
    const home = join(dir, 'home');
    const rollout = join(dir, 'rollout.jsonl');
    writeFileSync(rollout, before);
    const hook = await runProcess('/bin/sh', [CODEX_HOOK, process.execPath], {
      env: hookEnv(home, { SHIPLOG_STOP_WAIT_MS: waitMs }),
      input: stopPayload('cx', rollout, repo, { turn_id: turnId }),
    });
    assert.equal(hook.code, 0);
    assert.equal(hook.stdout, '');
    if (landsAfterWorker) await waitForWorkers(home, 'cx');
    appendFileSync(rollout, `${lines[end]}\n`);
    await waitForWorkers(home, 'cx');
    const db = new Database(join(home, 'state.db'), { readonly: true });
    try {
      return (db.prepare('SELECT offset FROM sessions WHERE session_id = ?').get('cx') as { offset: number }).offset;
    } finally {
      db.close();
    }
  }

  it("the run after Stop reads through the turn's task_complete", async () => {
    assert.ok(end > 0 && turnId);
    assert.equal(await offsetAfterStop('waits', '60000', false), Buffer.byteLength(through));
  });

  it('without the wait the same run stops short of it (the check above can fail)', async () => {
    assert.equal(await offsetAfterStop('no-wait', '0', true), Buffer.byteLength(before));
  });
});
