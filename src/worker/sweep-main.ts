import { createLogger } from '../log.js';
import { stateDir } from '../paths.js';
import { busyTimeoutMs, openDb } from '../state/db.js';
import { configFor } from './main.js';
import { sweep } from './sweep.js';

/** `node worker/entry.js --sweep`: one catch-up sweep, unless another ran in the last minute. */
export async function sweepMain(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const dir = stateDir(env);
  const db = openDb(dir, { env });
  try {
    await sweep({ dir, db, log: createLogger(dir, 'sweep'), env, configFor, busyMs: busyTimeoutMs(env) });
  } finally {
    db.close();
  }
}
