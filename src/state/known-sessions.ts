import { z } from 'zod';
import { SessionRow } from './sessions.js';
import type { Db } from './db.js';
import { OPEN } from './open-windows.js';

/** Sessions the state knows (a hook or a command named them once), as the sweep looks them over. */

export function isKnownSession(db: Db, sessionId: string): boolean {
  return db.prepare('SELECT 1 FROM sessions WHERE session_id = ?').get(sessionId) !== undefined;
}

export const KnownSession = SessionRow.pick({
  session_id: true,
  agent: true,
  transcript_path: true,
  cwd: true,
  repo: true,
  offset: true,
  source_size: true,
  devlog_offset: true,
}).extend({
  /** 1: not ended, with a window open. */
  open: z.number().int(),
  /** 1: a closed window waits to be written, and no evaluator pause holds it back at `now`. */
  unwritten: z.number().int(),
});
export type KnownSession = z.infer<typeof KnownSession>;

/** Sessions run at or after `since`, with what is left to do for each as of `now`. */
export function sessionsRunSince(db: Db, since: Date, now: Date): KnownSession[] {
  return z.array(KnownSession).parse(
    db
      .prepare(
        `SELECT s.session_id, s.agent, s.transcript_path, s.cwd, s.repo, s.offset, s.source_size, s.devlog_offset,
           (s.ended_at IS NULL AND ${OPEN}) AS open,
           -- A window for an LLM evaluator waits out a pause (flushHeldWindows writes it after).
           EXISTS (SELECT 1 FROM windows w WHERE w.session_id = s.session_id AND w.status = 'closing'
                   AND (w.needs_eval = 0
                        OR NOT EXISTS (SELECT 1 FROM evaluator_backoff b WHERE b.until > ?))) AS unwritten
         FROM sessions s WHERE s.updated_at >= ?`,
      )
      .all(now.toISOString(), since.toISOString()),
  );
}
