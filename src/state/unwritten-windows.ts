import { z } from 'zod';
import type { Db } from './db.js';

/** Closed windows stored and not yet written, by session: what the exiting worker, retry and doctor look for. */

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

const WaitingSession = z.object({ session_id: z.string(), repo: z.string(), windows: z.number().int() });
export type WaitingSession = z.infer<typeof WaitingSession>;

/** Sessions (all, or the one named) with windows not written, failed or waiting, in closing order. */
export function sessionsWithUnwrittenWindows(db: Db, sessionId: string | undefined): WaitingSession[] {
  return db
    .prepare(
      `SELECT session_id, MIN(repo) AS repo, COUNT(*) AS windows FROM windows
       WHERE status != 'written' AND (? IS NULL OR session_id = ?)
       GROUP BY session_id ORDER BY MIN(rowid)`,
    )
    .all(sessionId ?? null, sessionId ?? null)
    .map((r) => WaitingSession.parse(r));
}

const Count = z.object({ n: z.number().int() });

/** Windows not written that wait for an evaluator: its evaluation failed, or it has not run yet. */
export function windowsAwaitingEvaluation(db: Db): number {
  return Count.parse(
    db
      .prepare(`SELECT COUNT(*) AS n FROM windows WHERE status != 'written' AND (stage = 'evaluate' OR needs_eval = 1)`)
      .get(),
  ).n;
}
