import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { statePaths } from '../../src/paths.js';
import { cleanup, CLI, gitRepo, listFiles, readOutputs, ROOT, runProcess, tempDir } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * Another process holds the append lock on entries.jsonl (taken through the real lock code, in
 * test/hostile/append-child.mjs) past shiplog's wait: the window fails with a reason and a
 * failure record, stays pending, and is written once by the next run after the holder is gone.
 * Nothing is lost, nothing doubled.
 */
it('an entries file locked by another process past the lock timeout: pending, then written once', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const repo = gitRepo(join(root, 'repo'));
  const state = join(root, 'state');
  const env = { ...process.env, SHIPLOG_HOME: state, SHIPLOG_ACTOR: 'locker' };
  const entries = join(repo, '.changelog', 'locker', 'entries.jsonl');
  mkdirSync(join(repo, '.changelog', 'locker'), { recursive: true });
  const t = writeClaudeTranscript(join(root, 't.jsonl'), 'lk', repo, [simpleTurn(1)]);

  const holder = spawn(
    process.execPath,
    [
      join(ROOT, 'test', 'hostile', 'append-child.mjs'),
      JSON.stringify({ file: entries, runId: 'holder', lockDir: statePaths(state).appendLocks, mode: 'hold' }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const gone = new Promise<void>((resolve) => holder.on('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', () => resolve());
      holder.once('exit', () => reject(new Error('the holder exited before taking the lock')));
    });
    const others = () =>
      listFiles(root).filter((f) => !/^repo\/\.(devlog|changelog|git)\//.test(f) && !f.startsWith('state/'));
    const before = others();
    const r = await runProcess(
      process.execPath,
      [CLI, 'process', t, '--repo', repo, '--session', 'lk', '--agent', 'claude-code'],
      { env },
    );
    assert.deepEqual(others(), before, 'nothing written outside the outputs and the state folder');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAILED\s+\S+\s+append: .*(lock|ELOCKED)/i);
    assert.equal(readOutputs(repo, 'lk').entries, '');
    assert.equal(readOutputs(repo, 'lk').failures.trim().split('\n').length, 1, 'one failure record with the reason');
  } finally {
    holder.kill('SIGKILL');
  }
  // The holder is gone, and its lock with it: the pending window is written by the next run.
  await gone;
  const flush = await runProcess(process.execPath, [CLI, 'flush'], { env });
  assert.equal(flush.code, 0, flush.stdout + flush.stderr);
  assert.equal(readOutputs(repo, 'lk').entries.trim().split('\n').length, 1);
  const again = await runProcess(process.execPath, [CLI, 'flush'], { env });
  assert.equal(again.stdout, 'Nothing to flush: no open windows.\n');
  assert.equal(readOutputs(repo, 'lk').entries.trim().split('\n').length, 1, 'not doubled');
});
