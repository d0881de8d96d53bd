/**
 * The generic adapter's state between records: small and bounded whatever the session. Never
 * mutated: every change returns a new object or list.
 */

import { z } from 'zod';
export { pushBounded, textHash } from '../../adapters/common/bounded-state.js';

/** A tool call waiting for its result. */
const PendingCall = z.object({
  /** The call id its events carry (the format's, or `generic-call-<n>`). */
  id: z.string(),
  /** The tool's name as normalised for recognition: pairs a result that names the tool but no id. */
  tool: z.string(),
});
export type PendingCall = z.infer<typeof PendingCall>;

export const genericStateSchema = z.object({
  version: z.literal(1),
  sessionEmitted: z.boolean(),
  /** First cwd a record gave: the project folder paths are shown relative to. */
  rootCwd: z.string().optional(),
  /** The latest cwd a record gave, where relative paths and commands start. */
  cwd: z.string().optional(),
  /** Counter behind message ids and the ids of calls the format gave none, stable across runs. */
  seq: z.number().int().nonnegative(),
  pending: z.array(PendingCall),
  /** Ids of calls already answered, so a second copy of a call or result adds nothing. */
  done: z.array(z.string()),
  /** Fingerprints of this turn's replies: a streamed copy and the final copy are one reply. */
  recentReplies: z.array(z.string()),
});
export type GenericState = z.infer<typeof genericStateSchema>;

export function initialState(): GenericState {
  return { version: 1, sessionEmitted: false, seq: 0, pending: [], done: [], recentReplies: [] };
}

/** Calls waiting or done that are remembered: a turn's calls are answered within it. */
export const CALLS_CAP = 256;
export const RECENT_CAP = 32;
