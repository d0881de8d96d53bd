import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, gitRepo, readOutputs, runInProcess, tempDir } from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

const root = tempDir();
after(() => cleanup(root));

it('a window that cannot be written leaves exactly one failure record and is written by a later run', async () => {
  const repo = join(root, 'repo');
  gitRepo(repo);
  const transcript = join(root, 'sess.jsonl');
  copyFileSync(claudeFixture('build'), transcript);
  const home = join(root, 'home');
  const req = { sessionId: 'sess', agent: 'claude-code' as const, transcriptPath: transcript, repo, trigger: 'test' };

  // entries.jsonl is a folder: every append fails (EISDIR) while failures.jsonl beside it works.
  const blocked = join(repo, '.changelog', 'tester@example.com', 'entries.jsonl');
  mkdirSync(blocked, { recursive: true });
  const first = await runInProcess(home, { ...req, close: 'session-end' });
  assert.equal(first.windows.failed.length, 1);
  assert.equal(first.windows.failed[0]?.error_code, 'EISDIR');
  await runInProcess(home, { ...req, close: null });
  await runInProcess(home, { ...req, close: null });
  const failuresFile = join(repo, '.changelog', 'tester@example.com', 'failures.jsonl');
  const failures = readFileSync(failuresFile, 'utf8').trim().split('\n');
  assert.equal(failures.length, 1, 'one record however often it is retried');
  const record = JSON.parse(failures[0] ?? '') as { run_id: string; retryable: boolean; stage: string };
  assert.equal(record.retryable, true);
  assert.equal(record.stage, 'append');

  rmdirSync(blocked);
  const later = await runInProcess(home, { ...req, close: null });
  assert.equal(later.windows.written.length, 1);
  assert.equal(later.windows.written[0]?.run_id, record.run_id);
  const entries = readFileSync(blocked, 'utf8').trim().split('\n');
  assert.equal(entries.length, 1);
  assert.equal(readOutputs(repo, 'sess').failures.trim().split('\n').length, 1);
});
