import { z } from 'zod';
import type { Db } from './db.js';

const HeldSession = z.object({ session_id: z.string(), repo: z.string() });
export type HeldSession = z.infer<typeof HeldSession>;

/**
 * Sessions with closed windows held for an LLM evaluator (stored, not yet written), the session
 * whose window closed first first; at most `limit`.
 */
export function sessionsWithHeldWindows(db: Db, limit: number): HeldSession[] {
  return db
    .prepare(
      `SELECT session_id, MIN(repo) AS repo FROM windows WHERE status = 'closing' AND needs_eval = 1
       GROUP BY session_id ORDER BY MIN(rowid) LIMIT ?`,
    )
    .all(limit)
    .map((r) => HeldSession.parse(r));
}
