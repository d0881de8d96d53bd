import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { statePaths } from '../paths.js';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  session_id      TEXT PRIMARY KEY,
  agent           TEXT NOT NULL,
  transcript_path TEXT NOT NULL,
  repo            TEXT,
  cwd             TEXT,
  inode           INTEGER,
  offset          INTEGER NOT NULL DEFAULT 0,
  head_hash       TEXT NOT NULL DEFAULT '',
  tail_hash       TEXT NOT NULL DEFAULT '',
  last_event_at   TEXT,
  adapter_state   TEXT,
  devlog_state    TEXT,
  window_state    TEXT,
  frag_bytes      INTEGER NOT NULL DEFAULT 0,
  devlog_offset   INTEGER NOT NULL DEFAULT -1,
  ended_at        TEXT,
  last_trigger_at TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS subagent_cursors (
  session_id    TEXT NOT NULL,
  path          TEXT NOT NULL,
  offset        INTEGER NOT NULL DEFAULT 0,
  adapter_state TEXT,
  PRIMARY KEY (session_id, path)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS windows (
  run_id      TEXT PRIMARY KEY,  -- rowid gives closing order: windows are appended in it
  session_id  TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('closing', 'written', 'failed')),
  repo        TEXT NOT NULL,
  actor       TEXT NOT NULL,
  entry       TEXT NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  error       TEXT,
  failure_recorded INTEGER NOT NULL DEFAULT 0,
  digest      TEXT,              -- JSON {full, budget}: what an LLM evaluator is shown (redacted)
  needs_eval  INTEGER NOT NULL DEFAULT 0,  -- 1 until an LLM evaluator has written summary/bullets/tags/notes
  stage       TEXT,              -- where it last failed: 'evaluate' waits for shiplog retry, 'append' retries itself
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS windows_by_session ON windows (session_id, status);
CREATE TABLE IF NOT EXISTS runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id  TEXT NOT NULL,
  trigger     TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  started_at  TEXT NOT NULL,
  ended_at    TEXT,
  status      TEXT NOT NULL DEFAULT 'running',
  bytes_read  INTEGER NOT NULL DEFAULT 0,
  lines       INTEGER NOT NULL DEFAULT 0,
  oversized   INTEGER NOT NULL DEFAULT 0,
  skipped     TEXT,
  resync      TEXT,
  redactions  TEXT,  -- JSON: secrets redacted in this run, per kind (never the secrets)
  error       TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_session ON runs (session_id, id);
CREATE TABLE IF NOT EXISTS hook_fires (
  agent       TEXT NOT NULL,
  event       TEXT NOT NULL,
  last_at     TEXT NOT NULL,  -- when the hook received it (the job's received_at)
  count       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (agent, event)
);
CREATE TABLE IF NOT EXISTS evaluator_backoff (
  evaluator   TEXT PRIMARY KEY,  -- claude | codex
  until       TEXT NOT NULL,     -- no calls to it before this time
  reason      TEXT NOT NULL,     -- auth | rate_limit
  message     TEXT NOT NULL,
  set_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS locks (
  session_id  TEXT PRIMARY KEY,
  pid         INTEGER NOT NULL,
  start_time  TEXT,
  token       TEXT NOT NULL,
  acquired_at TEXT NOT NULL
);
`;

/**
 * Opens (creating if needed) the state database. WAL lets `shiplog status` read while a worker
 * writes; the busy timeout makes concurrent workers of different sessions queue instead of fail.
 */
export function openDb(stateDir: string): Db {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const path = statePaths(stateDir).db;
  const fresh = !existsSync(path);
  const db = new Database(path, { timeout: 15_000 });
  if (fresh) chmodSync(path, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 15000');
  db.exec(SCHEMA);
  migrate(db);
  return db;
}

/** Columns added after a state database may already have been created by an older shiplog. */
function migrate(db: Db): void {
  const runs = db.prepare('PRAGMA table_info(runs)').all() as { name: string }[];
  if (!runs.some((c) => c.name === 'redactions')) db.exec('ALTER TABLE runs ADD COLUMN redactions TEXT');
  const windows = new Set((db.prepare('PRAGMA table_info(windows)').all() as { name: string }[]).map((c) => c.name));
  if (!windows.has('digest')) db.exec('ALTER TABLE windows ADD COLUMN digest TEXT');
  if (!windows.has('needs_eval')) db.exec('ALTER TABLE windows ADD COLUMN needs_eval INTEGER NOT NULL DEFAULT 0');
  if (!windows.has('stage')) db.exec('ALTER TABLE windows ADD COLUMN stage TEXT');
}
