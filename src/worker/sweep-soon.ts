import { existsSync } from 'node:fs';
import { createLogger, type Logger } from '../log.js';
import { statePaths } from '../paths.js';
import { openDb, type Db } from '../state/db.js';
import { getMeta } from '../state/meta.js';
import { startDetached } from './spawn-worker.js';
import { SWEEP_EVERY_MS } from './sweep.js';

/**
 * `shiplog status` and `doctor` start the catch-up sweep in a detached process when none ran in
 * the last minute: a user who looks is shown sessions no hook reported soon after, without the
 * command waiting for it or writing anything itself. The sweep takes its turn in state.db, so
 * several of these at once still sweep once. Returns whether one was started.
 */
export function sweepInBackground(db: Db, env: NodeJS.ProcessEnv, log: Logger, now = new Date()): boolean {
  const last = getMeta(db, 'sweep.last');
  const at = last === null ? Number.NaN : new Date(last).getTime();
  if (Number.isFinite(at) && now.getTime() - at < SWEEP_EVERY_MS) return false;
  startDetached(['--sweep'], env, (err) => log.warn({ err }, 'could not start the background sweep'));
  return true;
}

/** The same, for a command that holds no database handle: nothing when shiplog has no state yet. */
export function sweepSoon(dir: string, env: NodeJS.ProcessEnv): boolean {
  if (!existsSync(statePaths(dir).db)) return false;
  const db = openDb(dir, { env });
  try {
    return sweepInBackground(db, env, createLogger(dir, 'sweep'));
  } finally {
    db.close();
  }
}
