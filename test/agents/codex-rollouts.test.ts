import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { codexHomeOf, findRollout } from '../../src/agents/codex/rollouts.js';
import {
  cleanup,
  CODEX_FIXTURES,
  gitRepo,
  hookEnv,
  NOTIFY_HOOK,
  readOutputs,
  runProcess,
  tempDir,
  waitForWorkers,
} from '../helpers.js';

const THREAD = '019e2a4b-0000-7000-8000-00000000c0de';
const FILE = `rollout-2026-11-22T13-58-47-${THREAD}.jsonl`;

/** A $CODEX_HOME laid out as Codex writes it: the date folder is local time (reference §4.1). */
function codexHome(root: string, name: string): { home: string; rollout: string } {
  const home = join(root, name);
  const dir = join(home, 'sessions', '2026', '11', '22');
  mkdirSync(dir, { recursive: true });
  const rollout = join(dir, FILE);
  copyFileSync(join(CODEX_FIXTURES, 'paginated-classic.jsonl'), rollout);
  return { home, rollout };
}

/** state_5.sqlite with the columns shiplog reads (the real table has 25–43), in WAL mode like Codex's. */
function stateDb(home: string, rows: [string, string][]): Database.Database {
  const db = new Database(join(home, 'state_5.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec(
    'CREATE TABLE threads (id TEXT PRIMARY KEY, rollout_path TEXT NOT NULL, created_at INTEGER, cwd TEXT, archived INTEGER DEFAULT 0)',
  );
  for (const [id, path] of rows)
    db.prepare('INSERT INTO threads (id, rollout_path, created_at, cwd) VALUES (?, ?, 0, ?)').run(id, path, '/w');
  return db;
}

describe('finding a Codex rollout by thread id', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('through state_5.sqlite (WAL, opened read-only), where the path may be anywhere', () => {
    const { home } = codexHome(root, 'db');
    const elsewhere = join(home, 'moved', 'r.jsonl');
    mkdirSync(join(home, 'moved'));
    copyFileSync(join(CODEX_FIXTURES, 'paginated-classic.jsonl'), elsewhere);
    const db = stateDb(home, [[THREAD, elsewhere]]);
    try {
      assert.deepEqual(findRollout(home, THREAD), { path: elsewhere, source: 'state-db' });
    } finally {
      db.close();
    }
  });

  it('by file name when there is no database', () => {
    const { home, rollout } = codexHome(root, 'no-db');
    assert.deepEqual(findRollout(home, THREAD), { path: rollout, source: 'file-name' });
  });

  it('by file name when the database is locked by Codex', () => {
    const { home, rollout } = codexHome(root, 'locked');
    // The row names another existing file: had the database been read, that would be the answer.
    const elsewhere = join(home, 'elsewhere.jsonl');
    copyFileSync(rollout, elsewhere);
    const db = stateDb(home, [[THREAD, elsewhere]]);
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    db.prepare('UPDATE threads SET cwd = ?').run('/x'); // takes and keeps the exclusive lock
    try {
      assert.deepEqual(findRollout(home, THREAD), { path: rollout, source: 'file-name' });
    } finally {
      db.close();
    }
  });

  it('by file name when the database is not a database, or lacks the table, or points at a missing file', () => {
    const { home, rollout } = codexHome(root, 'junk-db');
    writeFileSync(join(home, 'state_5.sqlite'), 'not sqlite at all');
    assert.deepEqual(findRollout(home, THREAD), { path: rollout, source: 'file-name' });
    const other = codexHome(root, 'stale-db');
    stateDb(other.home, [[THREAD, join(other.home, 'gone.jsonl')]]).close();
    assert.deepEqual(findRollout(other.home, THREAD), { path: other.rollout, source: 'file-name' });
  });

  it('in archived_sessions, and nothing for a thread without a rollout (title generation, --ephemeral)', () => {
    const home = join(root, 'archived');
    mkdirSync(join(home, 'archived_sessions'), { recursive: true });
    const archived = join(home, 'archived_sessions', FILE);
    copyFileSync(join(CODEX_FIXTURES, 'paginated-classic.jsonl'), archived);
    assert.deepEqual(findRollout(home, THREAD), { path: archived, source: 'file-name' });
    assert.equal(findRollout(home, '019e2a4b-0000-7000-8000-0000000000ff'), null);
    assert.equal(findRollout(home, '../../etc/passwd'), null);
  });

  it('knows $CODEX_HOME from a rollout path', () => {
    assert.equal(codexHomeOf(`/h/.codex/sessions/2026/11/22/${FILE}`), '/h/.codex');
    assert.equal(codexHomeOf(`/h/.codex/archived_sessions/${FILE}`), '/h/.codex');
    assert.equal(codexHomeOf('/elsewhere/x.jsonl', { CODEX_HOME: '/c' }), '/c');
  });
});

describe('codex notify end to end', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('a notify for a thread finds its rollout and writes the devlog; a title-generation thread is ignored quietly', async () => {
    const { home: codex } = codexHome(root, 'codex-home');
    stateDb(codex, []).close();
    const repo = gitRepo(join(root, 'repo'));
    const state = join(root, 'state');
    const notify = (thread: string) =>
      runProcess(
        '/bin/sh',
        [
          NOTIFY_HOOK,
          process.execPath,
          JSON.stringify({
            type: 'agent-turn-complete',
            'thread-id': thread,
            'turn-id': 't',
            cwd: repo,
            client: 'codex_exec',
            'input-messages': [],
            'last-assistant-message': 'Done.',
          }),
        ],
        {
          env: hookEnv(state, { CODEX_HOME: codex }),
        },
      );
    assert.equal((await notify(THREAD)).code, 0);
    await waitForWorkers(state, THREAD);
    const devlog = readOutputs(repo, THREAD).devlog;
    assert.ok(devlog?.includes('Create hello.txt and notes.txt, add a test, make it pass and commit.'));

    const title = '019e2a4b-0000-7000-8000-00000000717e';
    assert.equal((await notify(title)).code, 0);
    await waitForWorkers(state, title);
    assert.equal(readOutputs(repo, title).devlog, null);
  });
});
