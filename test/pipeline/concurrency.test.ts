import assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  cleanup,
  CODEX_FIXTURES,
  CODEX_HOOK,
  gitRepo,
  HOOK,
  hookEnv,
  readOutputs,
  runInProcess,
  runProcess,
  sessionEndPayload,
  stopPayload,
  tempDir,
  waitForWorkers,
} from '../helpers.js';
import { claudeFixture, claudeFixtures } from '../claude-fixtures.js';

describe('concurrency', () => {
  const root = tempDir();
  after(() => cleanup(root));

  const CASES = [
    { agent: 'claude-code' as const, hook: HOOK, session: 'sess-32', src: claudeFixture('long') },
    {
      agent: 'codex' as const,
      hook: CODEX_HOOK,
      session: 'codex-32',
      src: join(CODEX_FIXTURES, 'paginated-classic.jsonl'),
    },
  ];
  for (const c of CASES) {
    it(`${c.agent}: 32 hooks for one session fired at once give the outputs of one clean run`, async () => {
      const repo = join(root, c.agent, 'repo');
      gitRepo(repo);
      const transcript = join(root, c.agent, `${c.session}.jsonl`);
      copyFileSync(c.src, transcript);

      await runInProcess(join(root, c.agent, 'clean-home'), {
        sessionId: c.session,
        agent: c.agent,
        transcriptPath: transcript,
        cwd: repo,
        trigger: 'test',
        close: 'session-end',
      });
      const clean = readOutputs(repo, c.session);
      rmSync(join(repo, '.devlog'), { recursive: true });
      rmSync(join(repo, '.changelog'), { recursive: true });

      const home = join(root, c.agent, 'home');
      const hooks = Array.from({ length: 32 }, (_, i) =>
        runProcess('/bin/sh', [c.hook, process.execPath], {
          env: hookEnv(home),
          input: i === 31 ? sessionEndPayload(c.session, transcript, repo) : stopPayload(c.session, transcript, repo),
        }),
      );
      for (const r of await Promise.all(hooks)) {
        assert.equal(r.code, 0);
        assert.equal(r.stdout, '');
      }
      await waitForWorkers(home, c.session);
      const out = readOutputs(repo, c.session);
      assert.equal(out.devlog, clean.devlog);
      assert.equal(out.entries, clean.entries, 'exactly the one entry of a clean run');
      assert.equal(out.failures, '');
    });
  }

  it('8 sessions appending to one entries.jsonl at once: every line valid, none missing or doubled', async () => {
    const repo = join(root, 'eight', 'repo');
    gitRepo(repo);
    const home = join(root, 'eight', 'home');
    // Every recorded session, some twice over (under other session ids).
    const recorded = claudeFixtures();
    const sources = Array.from({ length: 8 }, (_, i) => recorded[i % recorded.length] as string);
    const sessions = sources.map((src, i) => {
      const transcript = join(root, 'eight', `sess-${i}.jsonl`);
      copyFileSync(src, transcript);
      return { id: `sess-${i}`, transcript };
    });
    const fire = () =>
      Promise.all(
        sessions.map((s) =>
          runProcess('/bin/sh', [HOOK, process.execPath], {
            env: hookEnv(home, { SHIPLOG_ACTOR: 'team' }),
            input: sessionEndPayload(s.id, s.transcript, repo),
          }),
        ),
      );
    for (const r of await fire()) assert.equal(r.code, 0);
    for (const s of sessions) await waitForWorkers(home, s.id);
    // Firing again must not add anything: every window was already written.
    for (const r of await fire()) assert.equal(r.code, 0);
    for (const s of sessions) await waitForWorkers(home, s.id);

    const lines = readOutputs(repo, 'x').entries.trim().split('\n');
    const entries = lines.map((l) => JSON.parse(l) as { run_id: string; transcript: { session_id: string } });
    assert.deepEqual(entries.map((e) => e.transcript.session_id).sort(), sessions.map((s) => s.id).sort());
    assert.equal(new Set(entries.map((e) => e.run_id)).size, 8);
  });
});
