import { createLogger } from '../log.js';
import type { Db } from '../state/db.js';
import { getMeta } from '../state/meta.js';
import { startDetached } from './spawn-worker.js';
import { SWEEP_EVERY_MS } from './sweep-every.js';

/**
 * `shiplog status` and `doctor` start the catch-up sweep in a detached process when none ran in
 * the last minute: a user who looks is shown sessions no hook reported soon after, without the
 * command waiting for it or writing anything itself. The sweep takes its turn in state.db, so
 * several of these at once still sweep once. Returns whether one was started.
 */
export function sweepInBackground(db: Db, dir: string, env: NodeJS.ProcessEnv, now = new Date()): boolean {
  const last = getMeta(db, 'sweep.last');
  const at = last === null ? Number.NaN : new Date(last).getTime();
  if (Number.isFinite(at) && now.getTime() - at < SWEEP_EVERY_MS) return false;
  startSweep(dir, env);
  return true;
}

/**
 * For a command that holds no database handle (doctor): starts the sweep process, which takes
 * its turn in state.db itself and does nothing when another sweep ran in the last minute.
 */
export function startSweep(dir: string, env: NodeJS.ProcessEnv): void {
  startDetached(['--sweep'], env, (err) =>
    createLogger(dir, 'sweep').warn({ err }, 'could not start the background sweep'),
  );
}
