/** Small helpers for building events, shared by the adapters. */

import type { EventOf } from '../../events.js';

/** Drop `undefined` properties so events compare and serialise cleanly. */
export function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

export function skipped(reason: string): EventOf<'skipped'> {
  return { kind: 'skipped', reason };
}
