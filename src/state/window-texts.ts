import { z } from 'zod';
import type { Db } from './db.js';

/** The text a stored window carries (its entry, its digest, its last error), for redacting it again. */

const WindowTexts = z.object({
  run_id: z.string(),
  entry: z.string(),
  digest: z.string().nullable(),
  error: z.string().nullable(),
});
export type WindowTexts = z.infer<typeof WindowTexts>;

/** Every window stored for the session: written, pending or failed. */
export function windowTexts(db: Db, sessionId: string): WindowTexts[] {
  return z
    .array(WindowTexts)
    .parse(db.prepare('SELECT run_id, entry, digest, error FROM windows WHERE session_id = ?').all(sessionId));
}

export function saveWindowTexts(db: Db, rows: readonly WindowTexts[]): void {
  const update = db.prepare('UPDATE windows SET entry = ?, digest = ?, error = ? WHERE run_id = ?');
  for (const r of rows) update.run(r.entry, r.digest, r.error, r.run_id);
}
