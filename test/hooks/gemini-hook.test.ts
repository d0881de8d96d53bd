import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanup, gitRepo, hookEnv, readOutputs, ROOT, runProcess, tempDir, waitForWorkers } from '../helpers.js';

const GEMINI_HOOK = join(ROOT, 'hooks', 'gemini.sh');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'gemini');

interface Captured {
  event: string;
  run: number;
  payload: Record<string, unknown>;
}

/** The payloads the real Gemini CLI gave its hooks (scripts/make-gemini-fixtures.ts, scenario `hooks`). */
const captured = readFileSync(join(FIXTURES, 'hook-payloads.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Captured);

/** The Gemini CLI hook as the CLI runs it: AfterAgent and SessionEnd payloads on stdin. */
describe('gemini hook', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('each AfterAgent and SessionEnd the CLI gave: exits 0 silently; the worker writes the devlog and a gemini entry per turn', async () => {
    const repo = gitRepo(join(root, 'repo'));
    const session = join(root, 'session-2026-12-07T14-43-ae8e5186.jsonl');
    copyFileSync(join(FIXTURES, 'hooks.jsonl'), session);
    const home = join(root, 'state');
    const fired = captured.filter((c) => c.event === 'AfterAgent' || c.event === 'SessionEnd');
    assert.deepEqual(
      fired.map((c) => c.event),
      ['AfterAgent', 'SessionEnd', 'AfterAgent', 'SessionEnd', 'AfterAgent', 'SessionEnd'],
    );
    const sessionId = String(fired[0]?.payload.session_id);
    for (const c of fired) {
      // The recorded session, in this test's folders: the payload is the CLI's own otherwise.
      const input = JSON.stringify({ ...c.payload, transcript_path: session, cwd: repo });
      const r = await runProcess('/bin/sh', [GEMINI_HOOK, process.execPath], {
        env: hookEnv(home, { SHIPLOG_GRANULARITY: 'turn' }),
        input,
      });
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
      await waitForWorkers(home, sessionId);
    }
    const out = readOutputs(repo, sessionId);
    const devlog = JSON.parse(out.devlog ?? '{}') as {
      conversation: { type: string; content?: string; actions?: string[] }[];
    };
    assert.deepEqual(
      devlog.conversation.filter((c) => c.type === 'user').map((c) => c.content),
      ['Write notes.txt saying hello.', 'Show me notes.txt.', 'Append a second line to notes.txt.'],
    );
    assert.deepEqual(
      devlog.conversation.filter((c) => c.type === 'tool_summary').flatMap((c) => c.actions),
      ['created notes.txt', 'ran cat notes.txt', 'ran echo two >> notes.txt'],
    );
    const entries = out.entries
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tool: string; transcript: { close_reason: string } });
    assert.deepEqual(
      entries.map((e) => [e.tool, e.transcript.close_reason]),
      [
        ['gemini', 'turn'],
        ['gemini', 'turn'],
        ['gemini', 'turn'],
      ],
    );
    const log = readFileSync(join(home, 'shiplog.log'), 'utf8');
    assert.doesNotMatch(log, /rejected|ignored/, 'every payload became a job');
  });

  it('a SessionStart or BeforeAgent payload (not an event shiplog registers) is dropped with the reason', async () => {
    const home = join(root, 'state-2');
    const start = captured.find((c) => c.event === 'SessionStart');
    assert.ok(start);
    const r = await runProcess('/bin/sh', [GEMINI_HOOK, process.execPath], {
      env: hookEnv(home),
      input: JSON.stringify(start.payload),
    });
    assert.equal(r.code, 0);
    await waitForWorkers(home, String(start.payload.session_id));
    assert.match(readFileSync(join(home, 'shiplog.log'), 'utf8'), /hook payload rejected: unexpected hook_event_name/);
  });
});
