import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { CLAUDE_CORPUS, cleanup, CLI, gitRepo, listFiles, readOutputs, ROOT, runProcess, tempDir } from '../helpers.js';

/**
 * Another process holds the lock on entries.jsonl (and keeps it fresh) past shiplog's lock
 * timeout: the window fails with a reason and a failure record, stays pending, and is written
 * once by the next run after the holder is gone. Nothing is lost, nothing doubled.
 */
it('an entries file locked by another process past the lock timeout: pending, then written once', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const repo = gitRepo(join(root, 'repo'));
  const state = join(root, 'state');
  const env = { ...process.env, SHIPLOG_HOME: state, SHIPLOG_ACTOR: 'locker' };
  const entries = join(repo, '.changelog', 'locker', 'entries.jsonl');
  mkdirSync(join(repo, '.changelog', 'locker'), { recursive: true });
  const t = join(root, 't.jsonl');
  copyFileSync(join(CLAUDE_CORPUS, 'claude-reliability', 'hello-world-script.transcript.jsonl'), t);

  const holder = spawn(
    process.execPath,
    ['-e', `const f=require('fs');f.closeSync(f.openSync(${JSON.stringify(entries)},'a'));require(${JSON.stringify(join(ROOT, 'node_modules', 'proper-lockfile'))}).lock(${JSON.stringify(entries)},{update:1000,stale:4000}).then(()=>{process.stdout.write('locked\\n');setInterval(()=>{},1000)})`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const others = () => listFiles(root).filter((f) => !/^repo\/\.(devlog|changelog|git)\//.test(f) && !f.startsWith('state/'));
    const before = others();
    const r = await runProcess(process.execPath, [CLI, 'process', t, '--repo', repo, '--session', 'lk', '--agent', 'claude-code'], { env });
    assert.deepEqual(others(), before, 'nothing written outside the outputs and the state folder');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAILED\s+\S+\s+append: .*(lock|ELOCKED)/i);
    assert.equal(readOutputs(repo, 'lk').entries, '');
    assert.equal(readOutputs(repo, 'lk').failures.trim().split('\n').length, 1, 'one failure record with the reason');
  } finally {
    holder.kill('SIGKILL');
  }
  // The holder is gone (its lock goes stale): the pending window is written by the next run.
  const flush = await runProcess(process.execPath, [CLI, 'flush'], { env });
  assert.equal(flush.code, 0, flush.stdout + flush.stderr);
  assert.equal(readOutputs(repo, 'lk').entries.trim().split('\n').length, 1);
  const again = await runProcess(process.execPath, [CLI, 'flush'], { env });
  assert.equal(again.stdout, 'Nothing to flush: no open windows.\n');
  assert.equal(readOutputs(repo, 'lk').entries.trim().split('\n').length, 1, 'not doubled');
});
