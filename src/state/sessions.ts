import { z } from 'zod';
import { AgentId } from '../agents/ids.js';
import type { Db } from './db.js';

/** Typed access to the per-session rows. JSON columns are parsed with zod on the way out. */

export const SessionRow = z.object({
  session_id: z.string(),
  agent: AgentId,
  transcript_path: z.string(),
  repo: z.string().nullable(),
  cwd: z.string().nullable(),
  inode: z.number().nullable(),
  offset: z.number().int(),
  head_hash: z.string(),
  tail_hash: z.string(),
  last_event_at: z.string().nullable(),
  adapter_state: z.string().nullable(),
  devlog_state: z.string().nullable(),
  window_state: z.string().nullable(),
  frag_bytes: z.number().int(),
  /** The cursor the devlog file in the repository was last written at (-1: never). */
  devlog_offset: z.number().int(),
  ended_at: z.string().nullable(),
  last_trigger_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  /**
   * The transcript file's size as of the cursor: what tells the sweep and backfill it changed.
   * The cursor itself counts bytes of the lines read, which for a document the client rewrites
   * (src/tail/document.ts) are not its file's bytes. Null in rows of older versions: the offset.
   */
  source_size: z.number().int().nullable().default(null),
});
export type SessionRow = z.infer<typeof SessionRow>;

/** The transcript size what was read corresponds to (`source_size`, or in older rows the offset). */
export const seenSize = (row: { offset: number; source_size?: number | null | undefined }): number =>
  row.source_size ?? row.offset;

export function getSession(db: Db, sessionId: string): SessionRow | null {
  const row = db.prepare('SELECT * FROM sessions WHERE session_id = ?').get(sessionId);
  return row === undefined ? null : SessionRow.parse(row);
}

export function newSession(sessionId: string, agent: AgentId, transcriptPath: string, now: string): SessionRow {
  return {
    session_id: sessionId,
    agent,
    transcript_path: transcriptPath,
    repo: null,
    cwd: null,
    inode: null,
    offset: 0,
    head_hash: '',
    tail_hash: '',
    last_event_at: null,
    adapter_state: null,
    devlog_state: null,
    window_state: null,
    frag_bytes: 0,
    devlog_offset: -1,
    ended_at: null,
    last_trigger_at: null,
    created_at: now,
    updated_at: now,
    source_size: null,
  };
}

export function saveSession(db: Db, row: SessionRow): void {
  const cols = Object.keys(SessionRow.shape) as (keyof SessionRow)[];
  db.prepare(
    `INSERT OR REPLACE INTO sessions (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
  ).run(row);
}

/** The devlog file in the repository was written for the cursor at `offset`. */
export function saveDevlogOffset(db: Db, sessionId: string, offset: number): void {
  db.prepare('UPDATE sessions SET devlog_offset = ? WHERE session_id = ?').run(offset, sessionId);
}

export function resetSubagentCursors(db: Db, sessionId: string): void {
  db.prepare('DELETE FROM subagent_cursors WHERE session_id = ?').run(sessionId);
}

export const SubagentCursor = z.object({ offset: z.number().int(), adapter_state: z.string().nullable() });
export type SubagentCursor = z.infer<typeof SubagentCursor>;

export function getSubagentCursor(db: Db, sessionId: string, path: string): SubagentCursor | null {
  const row = db
    .prepare('SELECT offset, adapter_state FROM subagent_cursors WHERE session_id = ? AND path = ?')
    .get(sessionId, path);
  return row === undefined ? null : SubagentCursor.parse(row);
}

export function saveSubagentCursor(db: Db, sessionId: string, path: string, cursor: SubagentCursor): void {
  db.prepare(
    'INSERT OR REPLACE INTO subagent_cursors (session_id, path, offset, adapter_state) VALUES (?, ?, ?, ?)',
  ).run(sessionId, path, cursor.offset, cursor.adapter_state);
}

export const WindowRow = z.object({
  run_id: z.string(),
  session_id: z.string(),
  status: z.enum(['closing', 'written', 'failed']),
  repo: z.string(),
  actor: z.string(),
  entry: z.string(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  digest: z.string().nullable(),
  needs_eval: z.number().int(),
  stage: z.enum(['evaluate', 'append']).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WindowRow = z.infer<typeof WindowRow>;

export function insertWindow(
  db: Db,
  row: Pick<WindowRow, 'run_id' | 'session_id' | 'repo' | 'actor' | 'entry' | 'digest' | 'needs_eval'>,
  now: string,
): void {
  // OR IGNORE: a window re-closed after a crash or a re-sync keeps its first record and status.
  db.prepare(
    `INSERT OR IGNORE INTO windows (run_id, session_id, status, repo, actor, entry, digest, needs_eval, attempts, created_at, updated_at)
     VALUES (?, ?, 'closing', ?, ?, ?, ?, ?, 0, ?, ?)`,
  ).run(row.run_id, row.session_id, row.repo, row.actor, row.entry, row.digest, row.needs_eval, now, now);
}

/** The evaluator's fields are in: the entry is final, and only its append is left. */
export function saveEvaluatedEntry(db: Db, runId: string, entry: string, now: string): void {
  db.prepare(`UPDATE windows SET entry = ?, needs_eval = 0, updated_at = ? WHERE run_id = ?`).run(entry, now, runId);
}

/**
 * The next `limit` windows not yet written, in the order they closed, after the one with SQLite
 * rowid `after` (0: from the first). A page at a time: a session read whole in one run (a first
 * backfill of a gigabyte transcript) can have thousands waiting.
 */
export function unwrittenWindowsPage(
  db: Db,
  sessionId: string,
  after: number,
  limit: number,
): { rowid: number; row: WindowRow }[] {
  return db
    .prepare(
      `SELECT rowid AS rowid_, * FROM windows WHERE session_id = ? AND status != 'written' AND rowid > ? ORDER BY rowid LIMIT ?`,
    )
    .all(sessionId, after, limit)
    .map((r) => ({ rowid: RowId.parse(r).rowid_, row: WindowRow.parse(r) }));
}
const RowId = z.object({ rowid_: z.number().int() });

/** How many of the session's windows are not yet written. */
export function unwrittenWindowCount(db: Db, sessionId: string): number {
  return WindowCount.parse(
    db.prepare(`SELECT COUNT(*) AS n FROM windows WHERE session_id = ? AND status != 'written'`).get(sessionId),
  ).n;
}
const WindowCount = z.object({ n: z.number().int() });

/** A window's new status; `stage` says where a failed one stopped (cleared once written). */
export interface WindowMark {
  status: WindowRow['status'];
  error: string | null;
  now: string;
  stage?: WindowRow['stage'];
}

/** Whether its failure record is out is the outbox's to know (src/state/deliveries.ts). */
export function markWindow(db: Db, runId: string, mark: WindowMark): void {
  const { status, error, now, stage = null } = mark;
  db.prepare(
    `UPDATE windows SET status = ?, error = ?, stage = ?, attempts = attempts + 1, updated_at = ? WHERE run_id = ?`,
  ).run(status, error, status === 'written' ? null : stage, now, runId);
}

/** The window waits (its evaluator is paused): still pending, with the reason. */
export function notePending(db: Db, runId: string, error: string, now: string): void {
  db.prepare(
    `UPDATE windows SET status = 'closing', error = ?, stage = NULL, attempts = attempts + 1, updated_at = ?
     WHERE run_id = ?`,
  ).run(error, now, runId);
}

/** Remembers that a hook fired, for `shiplog doctor` ("last Stop from codex: 3 min ago"). */
export function recordHookFire(db: Db, agent: AgentId, event: string, at: string): void {
  db.prepare(
    `INSERT INTO hook_fires (agent, event, last_at, count) VALUES (?, ?, ?, 1)
     ON CONFLICT (agent, event) DO UPDATE SET last_at = MAX(last_at, excluded.last_at), count = count + 1`,
  ).run(agent, event, at);
}
