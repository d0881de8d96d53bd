import { chmodSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { isErrno } from '../kit/errno.js';
import { createLogger } from '../log.js';
import { statePaths } from '../paths.js';
import { isCorrupt } from './db-errors.js';
import { int } from './rows.js';

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
  updated_at      TEXT NOT NULL,
  source_size     INTEGER
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
  failure_recorded INTEGER NOT NULL DEFAULT 0,  -- before the outbox: now deliveries (run_id, 'failures.jsonl')
  digest      TEXT,              -- JSON {full, budget}: what an LLM evaluator is shown (redacted)
  needs_eval  INTEGER NOT NULL DEFAULT 0,  -- 1 until an LLM evaluator has written summary/bullets/tags/notes
  stage       TEXT,              -- where it last failed: 'evaluate' waits for shiplog retry, 'append' retries itself
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS windows_by_session ON windows (session_id, status);
CREATE TABLE IF NOT EXISTS deliveries (
  run_id      TEXT NOT NULL,     -- a window's
  sink        TEXT NOT NULL,     -- a sink's name (src/output/sinks/registry.ts)
  status      TEXT NOT NULL CHECK (status IN ('delivered', 'failed')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  error_code  TEXT,              -- why the last attempt failed (ESYMLINK, ELOCKED); no message: it may quote a secret
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (run_id, sink)
) WITHOUT ROWID;
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
CREATE TABLE IF NOT EXISTS session_secrets (
  session_id  TEXT NOT NULL,
  salt        TEXT NOT NULL,     -- random, one per session
  digest      TEXT NOT NULL,     -- sha256(salt, 0, value), 128 bits: never the value (src/redact/known.ts)
  length      INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  PRIMARY KEY (session_id, digest)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  key         TEXT PRIMARY KEY,  -- installed_at, sweep.last: see src/state/meta.ts
  value       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS locks (
  session_id  TEXT PRIMARY KEY,
  pid         INTEGER NOT NULL,
  start_time  TEXT,
  token       TEXT NOT NULL,
  acquired_at TEXT NOT NULL
);
`;

/** SQLite's busy timeout: how long one statement waits for another process's write lock. */
const DEFAULT_BUSY_MS = 15_000;

/** `SHIPLOG_DB_BUSY_MS` shortens it (tests of a frozen lock holder); anything else keeps the default. */
export function busyTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.SHIPLOG_DB_BUSY_MS);
  return Number.isInteger(n) && n > 0 && n <= 600_000 ? n : DEFAULT_BUSY_MS;
}

export interface OpenOptions {
  /**
   * A state.db that is not a database (or is damaged where opening looks) is moved aside to
   * state.db.corrupt-<time> and a new one is made: the sessions are read again from the start of
   * their transcripts, and their entries' run_ids are derived from the work, so nothing doubles.
   * `false` (doctor, which only reads) throws instead.
   */
  rebuildCorrupt?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens (creating if needed) the state database. WAL lets `shiplog status` read while a worker
 * writes; the busy timeout makes concurrent workers of different sessions queue instead of fail.
 */
export function openDb(stateDir: string, opts: OpenOptions = {}): Db {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const path = statePaths(stateDir).db;
  const before = inode(path);
  try {
    return openAt(path, busyTimeoutMs(opts.env));
  } catch (err) {
    if (opts.rebuildCorrupt === false || !isCorrupt(err)) throw err;
    // Another process may have rebuilt it since we looked: then its new file is used as it is.
    if (inode(path) === before) {
      const aside = moveAside(path);
      createLogger(stateDir).error(
        { aside, code: (err as { code?: string }).code },
        'state database was corrupt; moved aside and rebuilt (sessions are read again from the start of their transcripts)',
      );
    }
    return openAt(path, busyTimeoutMs(opts.env));
  }
}

function openAt(path: string, busyMs: number): Db {
  const fresh = !existsSync(path);
  const db = new Database(path, { timeout: busyMs });
  try {
    if (fresh) chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${busyMs}`);
    db.exec(SCHEMA);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Moves state.db and its WAL files to state.db.corrupt-<time>[-wal|-shm]; returns the new name. */
function moveAside(path: string): string {
  const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      renameSync(`${path}${suffix}`, `${aside}${suffix}`);
    } catch (err) {
      // No WAL files beside it (or another process moved them first): nothing to keep.
      if (!(isErrno(err) && err.code === 'ENOENT')) throw err;
    }
  }
  return aside;
}

function inode(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return null;
    throw err;
  }
}

/** Columns added after a state database may already have been created by an older shiplog. */
function migrate(db: Db): void {
  const runs = db.prepare('PRAGMA table_info(runs)').all() as { name: string }[];
  if (!runs.some((c) => c.name === 'redactions')) db.exec('ALTER TABLE runs ADD COLUMN redactions TEXT');
  const windows = new Set((db.prepare('PRAGMA table_info(windows)').all() as { name: string }[]).map((c) => c.name));
  if (!windows.has('digest')) db.exec('ALTER TABLE windows ADD COLUMN digest TEXT');
  if (!windows.has('needs_eval')) db.exec('ALTER TABLE windows ADD COLUMN needs_eval INTEGER NOT NULL DEFAULT 0');
  if (!windows.has('stage')) db.exec('ALTER TABLE windows ADD COLUMN stage TEXT');
  const sessions = db.prepare('PRAGMA table_info(sessions)').all() as { name: string }[];
  if (!sessions.some((c) => c.name === 'source_size')) db.exec('ALTER TABLE sessions ADD COLUMN source_size INTEGER');
  if (userVersion(db) < OUTBOX_VERSION) db.transaction(() => intoOutbox(db)).immediate();
}

/** `PRAGMA user_version` from which delivery state is kept per sink, in `deliveries`. */
const OUTBOX_VERSION = 1;

// Read by hand, as rows.ts reads status's rows: every command opens the database, and zod would
// load on each one's start for this one integer.
function userVersion(db: Db): number {
  return int('PRAGMA', { user_version: db.pragma('user_version', { simple: true }) }, 'user_version');
}

/**
 * What a database of an older shiplog knew of its windows' delivery, carried into per-sink rows:
 * a written window is in entries.jsonl, and a window with its failure recorded is in
 * failures.jsonl. Without them a window pending at the upgrade would have its failure recorded
 * again. (The names are the sinks' in src/output/sinks/; the state layer does not import them.)
 * Checked again inside the write transaction: two processes may open the old database at once.
 */
function intoOutbox(db: Db): void {
  if (userVersion(db) >= OUTBOX_VERSION) return;
  db.exec(`
    INSERT OR IGNORE INTO deliveries (run_id, sink, status, attempts, error_code, updated_at)
      SELECT run_id, 'entries.jsonl', 'delivered', 1, NULL, updated_at FROM windows WHERE status = 'written';
    INSERT OR IGNORE INTO deliveries (run_id, sink, status, attempts, error_code, updated_at)
      SELECT run_id, 'failures.jsonl', 'delivered', 1, NULL, updated_at FROM windows WHERE failure_recorded = 1;
  `);
  db.pragma(`user_version = ${OUTBOX_VERSION}`);
}
