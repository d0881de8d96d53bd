import { z } from 'zod';
import { EvaluatorName } from '../agents/ids.js';
import type { Db } from '../state/db.js';
import { type BackoffRow, deleteBackoffs, storeBackoff, storedBackoff } from '../state/evaluator-backoff.js';

export { activeBackoffs } from '../state/evaluator-backoff.js';

/**
 * A pause on calls to one evaluator after an authentication error or a usage/rate limit. It is
 * kept in the state database, so every worker and `shiplog backfill` sees it: one limit hit
 * stops them all instead of each one spending a call (and a failure record) to find out.
 */
export const LlmEvaluatorName = EvaluatorName;
export type LlmEvaluatorName = z.infer<typeof LlmEvaluatorName>;

export const Backoff = z.object({
  evaluator: LlmEvaluatorName,
  until: z.string(),
  reason: z.enum(['auth', 'rate_limit']),
  message: z.string(),
  set_at: z.string(),
}) satisfies z.ZodType<BackoffRow>;
export type Backoff = z.infer<typeof Backoff>;

/** The pause in force for `evaluator` at `now`, if any. */
export function activeBackoff(db: Db, evaluator: LlmEvaluatorName, now: Date): Backoff | null {
  const row = storedBackoff(db, evaluator);
  if (row === null) return null;
  const b = Backoff.parse(row);
  return Date.parse(b.until) > now.getTime() ? b : null;
}

export function setBackoff(db: Db, b: Backoff): void {
  storeBackoff(db, b);
}

/** `shiplog retry` is the user saying "try now". */
export function clearBackoff(db: Db, evaluator?: LlmEvaluatorName): void {
  deleteBackoffs(db, evaluator);
}
