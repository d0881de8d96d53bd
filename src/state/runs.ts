import type { Db } from './db.js';

/**
 * The runs table: one row per run over a session, opened as the run starts and closed with what
 * it read, or with why it failed (`shiplog status` and `doctor` show the latest).
 */

export function startRun(db: Db, run: { sessionId: string; trigger: string; pid: number; startedAt: string }): number {
  return Number(
    db
      .prepare('INSERT INTO runs (session_id, trigger, pid, started_at) VALUES (?, ?, ?, ?)')
      .run(run.sessionId, run.trigger, run.pid, run.startedAt).lastInsertRowid,
  );
}

export interface RunTally {
  bytesRead: number;
  lines: number;
  oversized: number;
  skipped: Record<string, number>;
  resync: string | null;
  redactions: Record<string, number>;
}

export function endRun(db: Db, id: number, end: { at: string; status: 'ok' | 'partial'; tally: RunTally }): void {
  const t = end.tally;
  db.prepare(
    `UPDATE runs SET ended_at = ?, status = ?, bytes_read = ?, lines = ?, oversized = ?, skipped = ?, resync = ?,
       redactions = ? WHERE id = ?`,
  ).run(
    end.at,
    end.status,
    t.bytesRead,
    t.lines,
    t.oversized,
    JSON.stringify(t.skipped),
    t.resync,
    JSON.stringify(t.redactions),
    id,
  );
}

/** `error` is stored as given: the caller redacts it. */
export function failRun(
  db: Db,
  id: number,
  end: { at: string; bytesRead: number; lines: number; error: string },
): void {
  db.prepare('UPDATE runs SET ended_at = ?, status = ?, bytes_read = ?, lines = ?, error = ? WHERE id = ?').run(
    end.at,
    'error',
    end.bytesRead,
    end.lines,
    end.error,
    id,
  );
}
