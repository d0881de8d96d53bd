import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cleanup, gitRepo, prng, runInProcess, tempDir } from '../helpers.js';

/** A failed run's error, stored in state.db `runs.error`, is redacted like everything else there. */
describe('state.db: a failed run', () => {
  const root = tempDir();
  after(() => {
    if (!process.env.KEEP) cleanup(root);
  });

  it('stores its error with the secret in the transcript path redacted', async () => {
    const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const next = prng(9);
    const ghp = `ghp_${Array.from({ length: 36 }, () => B62[Math.floor(next() * 62)]).join('')}`;
    const repo = gitRepo(join(root, 'repo'));
    const home = join(root, 'state');
    await assert.rejects(
      runInProcess(home, {
        sessionId: 'err-1',
        agent: 'claude-code',
        transcriptPath: join(root, `${ghp}.jsonl`),
        repo,
        trigger: 'test',
      }),
      /cannot open transcript/,
    );
    const db = new Database(join(home, 'state.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT error FROM runs WHERE session_id = ?').get('err-1') as { error: string };
      assert.match(row.error, /cannot open transcript/);
      assert.ok(!row.error.includes(ghp), row.error);
      assert.match(row.error, /\[REDACTED:github-token\]/);
    } finally {
      db.close();
    }
  });
});
