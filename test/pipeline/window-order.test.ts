import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { Config } from '../../src/config/config.js';
import { createLogger } from '../../src/log.js';
import { openDb } from '../../src/state/db.js';
import { runSession } from '../../src/worker/pipeline.js';
import { cleanup, gitRepo, readOutputs, tempDir } from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

const root = tempDir();
after(() => cleanup(root));

// Regression: windows closed in one run were appended in run_id order when they shared a
// wall-clock millisecond. A frozen clock makes that collision certain; turn granularity closes one
// window per turn of the recorded session in the one run.
it('windows closed in the same run are appended in the order they closed', async () => {
  const repo = join(root, 'repo');
  gitRepo(repo);
  const id = 's5';
  cpSync(claudeFixture('build'), join(root, `${id}.jsonl`));
  const db = openDb(join(root, 'home'));
  try {
    const frozen = new Date('2026-11-01T00:00:00Z');
    await runSession(
      { stateDir: join(root, 'home'), db, log: createLogger(join(root, 'home')), config: Config.parse({ changelog: { granularity: 'turn' } }), now: () => frozen },
      { sessionId: 's5', agent: 'claude-code', transcriptPath: join(root, `${id}.jsonl`), repo, trigger: 'test', close: 'end' },
    );
  } finally {
    db.close();
  }
  const entries = readOutputs(repo, 's5').entries.trim().split('\n').map((l) => JSON.parse(l) as { transcript: { window_index: number } });
  assert.ok(entries.length >= 2);
  assert.deepEqual(entries.map((e) => e.transcript.window_index), entries.map((_, i) => i));
});
