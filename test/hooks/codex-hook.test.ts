import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  cleanup,
  CODEX_FIXTURES,
  CODEX_HOOK,
  gitRepo,
  hookEnv,
  readOutputs,
  runProcess,
  sessionEndPayload,
  stopPayload,
  tempDir,
  waitForWorkers,
} from '../helpers.js';

/** The Codex hook as Codex runs it: Stop and SessionEnd payloads on stdin, rollout path in transcript_path. */
describe('codex hook', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('Stop then SessionEnd: exits 0 silently; the worker writes the devlog and one codex entry', async () => {
    const repo = gitRepo(join(root, 'repo'));
    const rollout = join(root, 'rollout-2026-11-22T03-01-57-th.jsonl');
    copyFileSync(join(CODEX_FIXTURES, 'legacy-0.140.jsonl'), rollout);
    const home = join(root, 'state');
    for (const input of [
      stopPayload('th', rollout, repo, { turn_id: 'x', model: 'gpt-5.5', permission_mode: 'bypassPermissions' }),
      sessionEndPayload('th', rollout, repo),
    ]) {
      const r = await runProcess('/bin/sh', [CODEX_HOOK, process.execPath], { env: hookEnv(home), input });
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, '');
      await waitForWorkers(home, 'th');
    }
    const out = readOutputs(repo, 'th');
    assert.ok(out.devlog?.includes('Delete hello.txt and move notes.txt to docs/notes.md.'));
    const entries = out.entries
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tool: string });
    assert.deepEqual(
      entries.map((e) => e.tool),
      ['codex'],
    );
  });

  it("leaves no pipe of Codex's open: the hook's stdio closes while its worker still runs", async () => {
    const repo = gitRepo(join(root, 'repo-2'));
    const rollout = join(root, 'r2.jsonl');
    copyFileSync(join(CODEX_FIXTURES, 'paginated-classic.jsonl'), rollout);
    const home = join(root, 'state-2');
    // runProcess resolves on 'close': when every holder of the child's stdout/stderr is gone.
    const r = await runProcess('/bin/sh', [CODEX_HOOK, process.execPath], {
      env: hookEnv(home, { SHIPLOG_WORKER_LINGER_SECONDS: '30' }),
      input: stopPayload('lg', rollout, repo),
    });
    assert.equal(r.code, 0);
    const spool = join(home, 'spool', 'lg');
    const alive = join(spool, 'worker.alive');
    // Wait for the job to be done: the worker then lingers, still running, for 30 s.
    for (let i = 0; i < 400 && (!existsSync(alive) || readdirSync(spool).some((n) => n.endsWith('.json'))); i++)
      await new Promise((res) => setTimeout(res, 50));
    assert.ok(readOutputs(repo, 'lg').devlog, 'the job was done');
    const { pid } = JSON.parse(readFileSync(alive, 'utf8')) as { pid: number };
    assert.doesNotThrow(() => process.kill(pid, 0), 'the worker outlives the hook');
    process.kill(pid, 'SIGTERM');
    // The router that started it lingers as long: it is sent away too.
    const router = Number(readFileSync(join(home, 'inbox', 'router.alive'), 'utf8').split(' ')[0]);
    assert.doesNotThrow(() => process.kill(router, 'SIGTERM'), 'the router outlives the hook');
    await waitForWorkers(home, 'lg');
  });

  it('an --ephemeral session (transcript_path null) is logged as nothing to record, not as an error', async () => {
    const home = join(root, 'state-3');
    const input = JSON.stringify({
      session_id: 'eph',
      transcript_path: null,
      cwd: '/tmp',
      hook_event_name: 'Stop',
      turn_id: 't',
    });
    const r = await runProcess('/bin/sh', [CODEX_HOOK, process.execPath], { env: hookEnv(home), input });
    assert.equal(r.code, 0);
    assert.equal(r.stdout + r.stderr, '');
    await waitForWorkers(home, 'eph');
    const line = JSON.parse(readFileSync(join(home, 'shiplog.log'), 'utf8').trim()) as { level: number; msg: string };
    assert.deepEqual([line.level, line.msg], [30, 'no transcript (ephemeral session); nothing to record']);
    assert.equal(existsSync(join(home, 'spool')), false);
  });
});
