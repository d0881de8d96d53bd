/**
 * What the per-line handlers share: `LineInfo` (the current line's envelope, time, path base and
 * subagent) and `Draft` (the state and events being built for one parseLine call), plus the small
 * helpers for adding events to it — `skipped` events, one skip per line for malformed blocks, and
 * dropping `undefined` properties so events compare and serialise cleanly.
 */

import type { AgentEvent, Subagent } from '../../events.js';
import { skipped } from '../../adapters/common/events.js';
import type { PathBase } from '../../adapters/common/paths.js';
import type { Envelope } from './records.js';
import type { ClaudeCodeState } from './state.js';

export { skipped, withoutUndefined } from '../../adapters/common/events.js';

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

/** Several malformed blocks in one line still count as one skipped line. */
export function markBadBlock(draft: Draft, what: string): void {
  if (!draft.events.some((event) => event.kind === 'skipped')) draft.events.push(skipped(`bad-block:${what}`));
}
