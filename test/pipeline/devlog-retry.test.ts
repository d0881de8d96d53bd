import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, gitRepo, readOutputs, runInProcess, tempDir } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

const root = tempDir();
after(() => cleanup(root));

// Regression (found by the crash test): a run that stored its cursor but died before writing
// the devlog left the file stale, because the next run read no new bytes and skipped the write.
it('a devlog that could not be written after the cursor moved is written by the next run', async () => {
  const repo = join(root, 'repo');
  gitRepo(repo);
  const transcript = join(root, 'sess.jsonl');
  writeClaudeTranscript(join(root, 'whole.jsonl'), 'sess', repo, [0, 1, 2, 3, 4, 5].map(simpleTurn));
  const bytes = readFileSync(join(root, 'whole.jsonl'));
  const half = bytes.lastIndexOf(0x0a, Math.floor(bytes.length / 2)) + 1;
  const home = join(root, 'home');
  const req = {
    sessionId: 'sess',
    agent: 'claude-code' as const,
    transcriptPath: transcript,
    repo,
    trigger: 'test',
    close: null,
  };

  writeFileSync(transcript, bytes.subarray(0, half));
  await runInProcess(home, req);
  const early = readOutputs(repo, 'sess').devlog;

  // The devlog folder is unusable while the rest of the transcript is read.
  writeFileSync(transcript, bytes);
  renameSync(join(repo, '.devlog'), join(root, 'devlog-aside'));
  writeFileSync(join(repo, '.devlog'), 'not a folder');
  // Refused with a reason; the rest of the run (cursor, windows) goes on.
  const refused = await runInProcess(home, req);
  assert.match(refused.devlogError ?? '', /not a folder/);
  rmSync(join(repo, '.devlog'));
  renameSync(join(root, 'devlog-aside'), join(repo, '.devlog'));
  assert.equal(readOutputs(repo, 'sess').devlog, early);

  await runInProcess(home, req);
  const fixed = readOutputs(repo, 'sess').devlog;
  rmSync(join(repo, '.devlog'), { recursive: true });
  await runInProcess(join(root, 'fresh-home'), req);
  assert.equal(fixed, readOutputs(repo, 'sess').devlog);
});
