import type { EvaluatorName } from '../agents/ids.js';
import type { Db } from '../state/db.js';
import { asRow, oneOf, text } from '../state/rows.js';

/** ./backoff.ts's Backoff, read without zod for `shiplog status` (see ../state/rows.ts). */
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
