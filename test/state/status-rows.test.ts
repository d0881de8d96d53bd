import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { EvaluatorName } from '../../src/agents/ids.js';
import { activeBackoffs, EVALUATOR_NAMES } from '../../src/state/evaluator-backoff.js';
import { Backoff, setBackoff } from '../../src/evaluator/backoff.js';
import { openDb } from '../../src/state/db.js';
import { recentSessions } from '../../src/state/recent-sessions.js';
import { RowError } from '../../src/state/rows.js';
import { cleanup, tempDir } from '../helpers.js';

/**
 * `shiplog status` reads its rows without zod. What it reads must be what the zod schemas gave:
 * the same values with the keys in the same order (`status --json` prints them), and a row that
 * does not fit is refused, naming its column.
 */
describe('status rows without zod', () => {
  const home = tempDir('shiplog-status-rows-');
  after(() => cleanup(home));
  const db = openDb(home);
  after(() => db.close());
  const at = '2026-01-01T10:00:00.000Z';
  const insert = (id: string, offset: unknown, windowState: string | null) =>
    db
      .prepare(
        `INSERT INTO sessions (session_id, agent, transcript_path, repo, cwd, offset, window_state, created_at, updated_at) VALUES (?, 'codex', '/t.jsonl', NULL, '/w', ?, ?, ?, ?)`,
      )
      .run(id, offset, windowState, at, at);

  it('the evaluator names are the agents registry’s', () => {
    assert.deepEqual([...EVALUATOR_NAMES], EvaluatorName.options);
  });

  it('a session: every column, in the schema’s order', () => {
    insert('s1', 42, JSON.stringify({ cur: { start: at, promptCount: 3 } }));
    const [row] = recentSessions(db, { limit: 10, sessionId: 's1' });
    assert.equal(
      JSON.stringify(row),
      JSON.stringify({
        session_id: 's1',
        agent: 'codex',
        repo: null,
        cwd: '/w',
        transcript_path: '/t.jsonl',
        offset: 42,
        last_event_at: null,
        ended_at: null,
        updated_at: at,
        window_start: at,
        window_prompts: 3,
        entries: 0,
        failures: 0,
        pending: 0,
      }),
    );
  });

  it('a column of the wrong kind is refused by name', () => {
    insert('s2', 1.5, null);
    assert.throws(
      () => recentSessions(db, { limit: 10, sessionId: 's2' }),
      (err) => err instanceof RowError && /sessions\.offset is 1\.5, not a whole number/.test(err.message),
    );
  });

  it('evaluator pauses: what the Backoff schema gives, and an unknown evaluator is refused', () => {
    const b = {
      evaluator: 'claude',
      until: '2999-01-01T00:00:00.000Z',
      reason: 'rate_limit',
      message: 'limit',
      set_at: at,
    } as const;
    setBackoff(db, b);
    assert.deepEqual(activeBackoffs(db, new Date(at)), [Backoff.parse(b)]);
    db.prepare(`UPDATE evaluator_backoff SET evaluator = 'gpt'`).run();
    assert.throws(
      () => activeBackoffs(db, new Date(at)),
      (err) =>
        err instanceof RowError && /evaluator_backoff\.evaluator is "gpt", not one of claude, codex/.test(err.message),
    );
  });
});
