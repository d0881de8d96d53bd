import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanup, gitRepo, readOutputs, runInProcess, tempDir } from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

/**
 * A transcript rewritten, truncated or replaced under the cursor is detected, logged, and re-read
 * from the start without duplicating conversation entries.
 */
describe('re-sync of a changed transcript', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const src = readFileSync(claudeFixture('build'));

  const cases: { name: string; reason: string; change: (path: string) => void }[] = [
    {
      name: 'rewritten before the cursor',
      reason: 'rewritten',
      change: (p) => {
        const text = readFileSync(p, 'utf8').replace('make the test pass', 'make the test work');
        writeFileSync(p, text);
      },
    },
    { name: 'truncated', reason: 'truncated', change: (p) => truncateSync(p, Math.floor(src.length / 2) - 100) },
    {
      name: 'replaced by a new file',
      reason: 'replaced',
      change: (p) => {
        writeFileSync(`${p}.new`, src);
        renameSync(`${p}.new`, p);
      },
    },
  ];

  for (const c of cases) {
    it(`${c.name}: logged, re-read, no duplicated entries`, async () => {
      const dir = join(root, c.reason);
      const repo = join(dir, 'repo');
      gitRepo(repo);
      const transcript = join(dir, 'sess.jsonl');
      const req = {
        sessionId: 'sess',
        agent: 'claude-code' as const,
        transcriptPath: transcript,
        repo,
        trigger: 'test',
        close: null,
      };
      writeFileSync(transcript, src.subarray(0, src.lastIndexOf(0x0a, Math.floor(src.length / 2)) + 1));
      await runInProcess(join(dir, 'home'), req);
      writeFileSync(transcript, src);
      await runInProcess(join(dir, 'home'), req);
      c.change(transcript);
      const outcome = await runInProcess(join(dir, 'home'), req);
      assert.equal(outcome.resync, c.reason);
      const log = readFileSync(join(dir, 'home', 'shiplog.log'), 'utf8');
      assert.match(log, new RegExp(`"reason":"${c.reason}".*re-syncing`));
      const devlog = readOutputs(repo, 'sess').devlog ?? '';

      // The same file read from scratch gives the same conversation: nothing doubled.
      rmSync(join(repo, '.devlog'), { recursive: true });
      await runInProcess(join(dir, 'fresh-home'), req);
      assert.equal(devlog, readOutputs(repo, 'sess').devlog);
    });
  }
});
