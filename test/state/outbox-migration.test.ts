import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { Config } from '../../src/config/config.js';
import { openDb } from '../../src/state/db.js';
import { cleanup, gitRepo, runInProcess, tempDir } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * A state database of a shiplog from before the outbox knew only `windows.status` and
 * `windows.failure_recorded`. Opened by this one, what those said is carried into per-sink rows
 * of `deliveries`, once: no window written before the upgrade is written again, to any sink, and
 * no window whose failure was recorded has it recorded again.
 */
it('a state database from before the outbox: its windows are not delivered or recorded again', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const home = join(root, 'state');
  const plain = Config.parse({ changelog: { actor: 'me' } });
  const markdown = Config.parse({ changelog: { actor: 'me', markdown: true } });
  const session = (id: string, repo: string) => {
    const transcriptPath = writeClaudeTranscript(join(root, `${id}.jsonl`), id, repo, [simpleTurn(1)]);
    return (config: Config, close: string | null) =>
      runInProcess(home, { sessionId: id, agent: 'claude-code', transcriptPath, repo, trigger: 'test', close }, config);
  };
  const repo = gitRepo(join(root, 'repo'));
  const blocked = gitRepo(join(root, 'blocked'));
  const written = session('written', repo);
  const unmarked = session('unmarked', repo);
  const failed = session('failed', blocked);

  // Before the upgrade: one window written; one appended by a worker killed before it marked the
  // window written; one whose append failed, with its failure recorded.
  await written(plain, 'session-end');
  await unmarked(plain, 'session-end');
  mkdirSync(join(blocked, '.changelog', 'me', 'entries.jsonl'), { recursive: true });
  assert.equal((await failed(plain, 'session-end')).windows.failed.length, 1);
  const db = new Database(join(home, 'state.db'));
  try {
    db.exec(`
      UPDATE windows SET status = 'closing' WHERE session_id = 'unmarked';
      UPDATE windows SET failure_recorded = 1 WHERE session_id = 'failed';
      DROP TABLE deliveries;
      PRAGMA user_version = 0;
    `);
  } finally {
    db.close();
  }
  const entries = readFileSync(join(repo, '.changelog', 'me', 'entries.jsonl'), 'utf8');
  assert.equal(entries.split('\n').filter(Boolean).length, 2);
  // Its user read the failure and cleared the file: the record is out, and is not written again.
  rmSync(join(blocked, '.changelog', 'me', 'failures.jsonl'));

  const rows = () => {
    const d = openDb(home);
    try {
      return {
        version: d.pragma('user_version', { simple: true }),
        deliveries: d
          .prepare(
            'SELECT w.session_id, d.sink, d.status FROM deliveries d JOIN windows w USING (run_id) ORDER BY 1, 2',
          )
          .all(),
      };
    } finally {
      d.close();
    }
  };
  const carried = [
    { session_id: 'failed', sink: 'failures.jsonl', status: 'delivered' },
    { session_id: 'written', sink: 'entries.jsonl', status: 'delivered' },
  ];
  assert.deepEqual(rows(), { version: 1, deliveries: carried });
  assert.deepEqual(rows(), { version: 1, deliveries: carried }, 'opened again: carried once');

  // After the upgrade, with changelog.md turned on: every session runs again.
  for (const run of [written, unmarked, failed]) await run(markdown, null);
  assert.equal(
    readFileSync(join(repo, '.changelog', 'me', 'entries.jsonl'), 'utf8'),
    entries,
    'entries.jsonl not written again',
  );
  const page = readFileSync(join(repo, '.changelog', 'me', 'changelog.md'), 'utf8');
  const sections = page.split('\n').filter((l) => l.startsWith('<!-- shiplog:entry '));
  assert.equal(sections.length, 1, 'changelog.md gets the window left pending, not the one written before');
  assert.ok(page.includes('session `unmarked`'));
  assert.equal(
    existsSync(join(blocked, '.changelog', 'me', 'failures.jsonl')),
    false,
    'the failure is not recorded again',
  );

  rmdirSync(join(blocked, '.changelog', 'me', 'entries.jsonl'));
  assert.equal((await failed(markdown, null)).windows.written.length, 1, 'the failed window is written once it can be');
});
