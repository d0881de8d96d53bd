import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A lingering worker spends nearly all its life waiting for the next turn, holding the garbage
 * of the last run until V8 feels pressure, which an idle process never does. A full collection
 * on going idle hands those pages back. The worker is started without --expose-gc (its command
 * line is the hook's, kept short); this exposes it for a fresh context, the documented way to
 * reach gc() when the flag was not given at start-up.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') gc();
}
