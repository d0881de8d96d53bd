import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, CLI, gitRepo, runProcess, tempDir } from '../helpers.js';
import { claudeTurnLines } from '../synthetic.js';
import { writeFileSync } from 'node:fs';

/**
 * `shiplog status` lists sessions newest first by their last activity in the transcript, not by
 * when shiplog last processed them: a backfill of old sessions must not push today's to the end.
 */
it('status is newest first by last activity, whatever the processing order', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const repo = gitRepo(join(root, 'repo'));
  const env = { ...process.env, SHIPLOG_HOME: join(root, 'state') };
  const session = (id: string, at: number) => {
    const file = join(root, `${id}.jsonl`);
    writeFileSync(
      file,
      `${claudeTurnLines(id, repo, { prompt: `work of ${id}`, reply: 'Done.' }, 0, at).join('\n')}\n`,
    );
    return file;
  };
  const recent = session('recent-1', Date.UTC(2026, 10, 30, 12));
  const middle = session('middle-1', Date.UTC(2026, 5, 1, 12));
  const old = session('old-1', Date.UTC(2025, 0, 1, 12));
  // Processed in the wrong order on purpose: the oldest last.
  for (const [file, id] of [
    [recent, 'recent-1'],
    [middle, 'middle-1'],
    [old, 'old-1'],
  ] as const) {
    const r = await runProcess(process.execPath, [CLI, 'process', file, '--session', id, '--repo', repo], { env });
    assert.equal(r.code, 0, r.stderr);
  }
  const json = await runProcess(process.execPath, [CLI, 'status', '--json'], { env });
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout) as { session_id: string }[];
  assert.deepEqual(
    rows.map((r) => r.session_id),
    ['recent-1', 'middle-1', 'old-1'],
  );
  const text = await runProcess(process.execPath, [CLI, 'status'], { env });
  const order = ['recent-1', 'middle-1', 'old-1'].map((id) => text.stdout.indexOf(id));
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    order,
    'the table too',
  );
});
