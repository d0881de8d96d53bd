import { z } from 'zod';
import { SessionRow } from './sessions.js';
import type { Db } from './db.js';

/** Sessions whose window of work is open: the rows the sweeps and backfill close windows of. */

/** A session row with an open window: its stored window state has a current window. */
export const OPEN = `json_extract(window_state, '$.cur') IS NOT NULL`;

// The columns come from the session row's own schema, so a column it gains is one pick away.
export const IdleCandidate = SessionRow.pick({
  session_id: true,
  agent: true,
  transcript_path: true,
  cwd: true,
  repo: true,
  updated_at: true,
});
export type IdleCandidate = z.infer<typeof IdleCandidate>;

/** Sessions not ended, with a window open, last run before `before` (ISO time); at most `limit`. */
export function openWindowsRunBefore(db: Db, before: string, limit: number): IdleCandidate[] {
  return z.array(IdleCandidate).parse(
    db
      .prepare(
        `SELECT session_id, agent, transcript_path, cwd, repo, updated_at FROM sessions
           WHERE ended_at IS NULL AND updated_at < ? AND ${OPEN} LIMIT ?`,
      )
      .all(before, limit),
  );
}

const OpenRow = z.object({ open: z.number() });

export function hasOpenWindow(db: Db, sessionId: string): boolean {
  const row = db.prepare(`SELECT ${OPEN} AS open FROM sessions WHERE session_id = ?`).get(sessionId);
  return OpenRow.safeParse(row).data?.open === 1;
}
