import type { Db } from './db.js';
import { ShiplogError } from '../kit/shiplog-error.js';

/** Thrown only to roll the probe's write back; caught right here. */
class ProbeDone extends ShiplogError {
  constructor() {
    super('EPROBEDONE', '');
  }
}

/**
 * Proves the database takes a write, and leaves nothing: a row is inserted in a transaction that
 * is then rolled back. Throws what SQLite says when it cannot write (read-only, busy, damaged).
 */
export function probeWrite(db: Db): void {
  try {
    db.transaction(() => {
      db.prepare(`INSERT INTO hook_fires (agent, event, last_at, count) VALUES ('doctor', 'write-probe', '', 0)`).run();
      throw new ProbeDone();
    }).immediate();
  } catch (err) {
    // The probe's own rollback: the database took the write.
    if (!(err instanceof ProbeDone)) throw err;
  }
}
