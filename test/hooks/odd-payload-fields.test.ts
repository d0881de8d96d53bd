import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanup, gitRepo, HOOK, hookEnv, readOutputs, runProcess, tempDir, waitForWorkers } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * Issue 13, finding 10: a client that sends `null` or a value of the wrong type in a field the
 * worker can do without (the reply, the end reason, the turn id, even the working folder) still
 * gets its session recorded, through the real hook and worker processes.
 */
describe('hook payload fields that are null or of the wrong type', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('are treated as absent; the jobs run and the entry is written', async () => {
    const repo = gitRepo(join(root, 'repo'), true);
    const home = join(root, 'home');
    const transcript = writeClaudeTranscript(join(root, 'odd.jsonl'), 'odd', repo, [simpleTurn(1)]);
    const env = hookEnv(home, { SHIPLOG_STOP_WAIT_MS: '0' });
    const base = { session_id: 'odd', transcript_path: transcript };
    const stop = {
      ...base,
      hook_event_name: 'Stop',
      cwd: 42,
      last_assistant_message: null,
      turn_id: 7,
      stop_hook_active: null,
      agent_transcript_path: false,
      codex_home: {},
    };
    const end = {
      ...base,
      hook_event_name: 'SessionEnd',
      cwd: null,
      reason: null,
      turn_id: null,
      last_assistant_message: ['x'],
    };
    for (const payload of [stop, end]) {
      const r = await runProcess('/bin/sh', [HOOK, process.execPath], { env, input: JSON.stringify(payload) });
      assert.equal(r.code, 0, r.stderr);
      await waitForWorkers(home, 'odd');
    }
    const log = readFileSync(join(home, 'shiplog.log'), 'utf8');
    assert.doesNotMatch(log, /invalid hook job|moved aside/);
    const entries = readOutputs(repo, 'odd').entries.trim().split('\n').filter(Boolean);
    assert.equal(entries.length, 1, 'the working folder came from the transcript; the entry is there');
    assert.equal(
      (JSON.parse(entries[0] ?? '{}') as { transcript: { close_reason: string } }).transcript.close_reason,
      'session-end',
    );
  });
});
