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
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

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
      {
        stateDir: join(root, 'home'),
        db,
        log: createLogger(join(root, 'home')),
        config: Config.parse({ changelog: { granularity: 'turn' } }),
        now: () => frozen,
      },
      {
        sessionId: 's5',
        agent: 'claude-code',
        transcriptPath: join(root, `${id}.jsonl`),
        repo,
        trigger: 'test',
        close: 'end',
      },
    );
  } finally {
    db.close();
  }
  const entries = readOutputs(repo, 's5')
    .entries.trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { transcript: { window_index: number } });
  assert.ok(entries.length >= 2);
  assert.deepEqual(
    entries.map((e) => e.transcript.window_index),
    entries.map((_, i) => i),
  );
});

// A session read whole in one run can close more windows than the flush takes in one page: every
// one is appended, once, in the order it closed.
it('a run that closes more windows than one flush page appends them all, in order, once', async () => {
  const repo = join(root, 'many');
  gitRepo(repo);
  const turns = 450;
  const transcript = writeClaudeTranscript(
    join(root, 'many.jsonl'),
    'many-windows',
    repo,
    Array.from({ length: turns }, (_, n) => simpleTurn(n)),
  );
  const db = openDb(join(root, 'many-home'));
  try {
    await runSession(
      {
        stateDir: join(root, 'many-home'),
        db,
        log: createLogger(join(root, 'many-home')),
        config: Config.parse({ changelog: { granularity: 'turn' } }),
      },
      {
        sessionId: 'many-windows',
        agent: 'claude-code',
        transcriptPath: transcript,
        repo,
        trigger: 'test',
        close: 'end',
      },
    );
    assert.deepEqual(db.prepare(`SELECT COUNT(*) AS n FROM windows WHERE status != 'written'`).get(), { n: 0 });
  } finally {
    db.close();
  }
  const entries = readOutputs(repo, 'many-windows')
    .entries.trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { run_id: string; transcript: { window_index: number } });
  assert.equal(entries.length, turns);
  assert.deepEqual(
    entries.map((e) => e.transcript.window_index),
    entries.map((_, i) => i),
  );
  assert.equal(new Set(entries.map((e) => e.run_id)).size, turns);
});
