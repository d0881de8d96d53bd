import { z } from 'zod';
import type { Db } from './db.js';

/**
 * Per-sink delivery state of the outbox (src/output/outbox.ts): one row per window and sink that
 * was tried. `delivered` is final; `failed` (with the error's code) is tried again by the next flush of
 * the window's session.
 */

const SinkName = z.object({ sink: z.string() });

/** The sinks that have the window already. */
export function deliveredTo(db: Db, runId: string): Set<string> {
  const rows = db.prepare(`SELECT sink FROM deliveries WHERE run_id = ? AND status = 'delivered'`).all(runId);
  return new Set(rows.map((r) => SinkName.parse(r).sink));
}

export function recordDelivered(db: Db, runIds: string[], sink: string, now: string): void {
  record(db, runIds, sink, null, now);
}

/**
 * `code`: the error's (ESYMLINK, ELOCKED). Its message, which may quote a path or a value learnt
 * to be secret only later, goes to the log and the failure record, not here.
 */
export function recordUndelivered(db: Db, runIds: string[], sink: string, code: string, now: string): void {
  record(db, runIds, sink, code, now);
}

/** A delivered row stays delivered: what a sink has, it keeps. */
function record(db: Db, runIds: string[], sink: string, code: string | null, now: string): void {
  const upsert = db.prepare(
    `INSERT INTO deliveries (run_id, sink, status, attempts, error_code, updated_at) VALUES (?, ?, ?, 1, ?, ?)
     ON CONFLICT (run_id, sink) DO UPDATE SET
       status = excluded.status, attempts = attempts + 1, error_code = excluded.error_code,
       updated_at = excluded.updated_at
     WHERE deliveries.status != 'delivered'`,
  );
  const status = code === null ? 'delivered' : 'failed';
  db.transaction(() => {
    for (const runId of runIds) upsert.run(runId, sink, status, code, now);
  })();
}
