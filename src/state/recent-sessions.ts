import type { Db } from './db.js';
import { asRow, int, intOrNull, text, textOrNull } from './rows.js';

/** A session as `shiplog status` shows it; read without zod (see ./rows.ts). */
export interface SessionSummary {
  session_id: string;
  agent: string;
  repo: string | null;
  cwd: string | null;
  transcript_path: string;
  offset: number;
  last_event_at: string | null;
  ended_at: string | null;
  updated_at: string;
  /** When the open window's work started; null: no window open. */
  window_start: string | null;
  window_prompts: number | null;
  entries: number;
  failures: number;
  pending: number;
}

export function recentSessions(db: Db, opts: { limit: number; sessionId?: string }): SessionSummary[] {
  const rows = db
    .prepare(
      `SELECT s.session_id, s.agent, s.repo, s.cwd, s.transcript_path, s.offset, s.last_event_at, s.ended_at, s.updated_at,
         json_extract(s.window_state, '$.cur.start') AS window_start,
         json_extract(s.window_state, '$.cur.promptCount') AS window_prompts,
         (SELECT COUNT(*) FROM windows w WHERE w.session_id = s.session_id AND w.status = 'written') AS entries,
         (SELECT COUNT(*) FROM windows w WHERE w.session_id = s.session_id AND w.status = 'failed') AS failures,
         (SELECT COUNT(*) FROM windows w WHERE w.session_id = s.session_id AND w.status = 'closing') AS pending
       FROM sessions s
       WHERE (? IS NULL OR s.session_id = ?)
       ORDER BY COALESCE(s.last_event_at, s.updated_at) DESC, s.updated_at DESC LIMIT ?`,
    )
    .all(opts.sessionId ?? null, opts.sessionId ?? null, opts.limit);
  return rows.map(sessionSummary);
}

/** Its keys in this order: `shiplog status --json` prints them so. */
function sessionSummary(value: unknown): SessionSummary {
  const t = 'sessions';
  const r = asRow(t, value);
  return {
    session_id: text(t, r, 'session_id'),
    agent: text(t, r, 'agent'),
    repo: textOrNull(t, r, 'repo'),
    cwd: textOrNull(t, r, 'cwd'),
    transcript_path: text(t, r, 'transcript_path'),
    offset: int(t, r, 'offset'),
    last_event_at: textOrNull(t, r, 'last_event_at'),
    ended_at: textOrNull(t, r, 'ended_at'),
    updated_at: text(t, r, 'updated_at'),
    window_start: textOrNull(t, r, 'window_start'),
    window_prompts: intOrNull(t, r, 'window_prompts'),
    entries: int(t, r, 'entries'),
    failures: int(t, r, 'failures'),
    pending: int(t, r, 'pending'),
  };
}
