/**
 * What the per-line handlers share: `LineInfo` (the current line's envelope, time, path base and
 * subagent) and `Draft` (the state and events being built for one parseLine call), plus the small
 * helpers for adding events to it — `skipped` events, one skip per line for malformed blocks, and
 * dropping `undefined` properties so events compare and serialise cleanly.
 */

import type { AgentEvent, EventOf, Subagent } from '../../events.js';
import type { PathBase } from './paths.js';
import type { Envelope } from './records.js';
import type { ClaudeCodeState } from './state.js';

/** Everything about the current line that the handlers share. */
export interface LineInfo {
  readonly env: Envelope;
  readonly at: string | undefined;
  readonly base: PathBase;
  /** Set when the record belongs to a subagent (subagent file or inline sidechain). */
  readonly subagent: Subagent | undefined;
}

/** Mutable accumulator for one parseLine call; the input state is never written to. */
export interface Draft {
  state: ClaudeCodeState;
  events: AgentEvent[];
}

/** Drop `undefined` properties so events compare and serialise cleanly. */
export function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

export function skipped(reason: string): EventOf<'skipped'> {
  return { kind: 'skipped', reason };
}

/** Several malformed blocks in one line still count as one skipped line. */
export function markBadBlock(draft: Draft, what: string): void {
  if (!draft.events.some((event) => event.kind === 'skipped')) draft.events.push(skipped(`bad-block:${what}`));
}
