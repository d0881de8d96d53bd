import type { EvaluatorName } from '../agents/ids.js';
import type { Db } from './db.js';
import { asRow, oneOf, text } from './rows.js';

/**
 * The evaluator_backoff table: a pause on calls to an evaluator (src/evaluator/backoff.ts).
 * Read without zod, for `shiplog status` (see rows.ts).
 */

/** ../evaluator/backoff.ts's Backoff. */
export interface BackoffRow {
  evaluator: EvaluatorName;
  until: string;
  reason: 'auth' | 'rate_limit';
  message: string;
  set_at: string;
}

/** Every evaluator name (../agents/ids.ts's EvaluatorName; a test keeps the two in step). */
export const EVALUATOR_NAMES = ['claude', 'codex'] as const satisfies readonly EvaluatorName[];

/** Every pause still in force (for `shiplog status`, `doctor` and `backfill`). */
export function activeBackoffs(db: Db, now: Date): BackoffRow[] {
  return db
    .prepare('SELECT * FROM evaluator_backoff WHERE until > ? ORDER BY evaluator')
    .all(now.toISOString())
    .map(backoffRow);
}

/** The pause stored for `evaluator`, in force or not; null when there is none. */
export function storedBackoff(db: Db, evaluator: EvaluatorName): BackoffRow | null {
  const row = db.prepare('SELECT * FROM evaluator_backoff WHERE evaluator = ?').get(evaluator);
  return row === undefined ? null : backoffRow(row);
}

/** Stores the pause of `b.evaluator`, replacing any earlier one. */
export function storeBackoff(db: Db, b: BackoffRow): void {
  db.prepare(
    `INSERT INTO evaluator_backoff (evaluator, until, reason, message, set_at)
       VALUES (@evaluator, @until, @reason, @message, @set_at)
     ON CONFLICT (evaluator) DO UPDATE SET until = excluded.until, reason = excluded.reason,
       message = excluded.message, set_at = excluded.set_at`,
  ).run(b);
}

/** Removes the pause of `evaluator`, or of every evaluator. */
export function deleteBackoffs(db: Db, evaluator?: EvaluatorName): void {
  if (evaluator) db.prepare('DELETE FROM evaluator_backoff WHERE evaluator = ?').run(evaluator);
  else db.exec('DELETE FROM evaluator_backoff');
}

function backoffRow(value: unknown): BackoffRow {
  const t = 'evaluator_backoff';
  const r = asRow(t, value);
  return {
    evaluator: oneOf(t, r, 'evaluator', EVALUATOR_NAMES),
    until: text(t, r, 'until'),
    reason: oneOf(t, r, 'reason', ['auth', 'rate_limit'] as const),
    message: text(t, r, 'message'),
    set_at: text(t, r, 'set_at'),
  };
}
