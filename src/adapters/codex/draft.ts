/**
 * What the Codex handlers share for one parseLine call: the state and events being built, and the
 * current line's time and path base.
 */

import type { AgentEvent, Subagent } from '../../events.js';
import type { PathBase } from '../common/paths.js';
import type { CodexState } from './state.js';

export interface Draft {
  state: CodexState;
  events: AgentEvent[];
  /** Set while reading a subagent thread's rollout on behalf of its parent. */
  subagent?: Subagent | undefined;
}

export interface LineInfo {
  /** ISO time of the record; undefined for 0.20's bare records. */
  at: string | undefined;
}

export function pathBase(state: CodexState, workdir?: string): PathBase {
  return { cwd: workdir ?? state.cwd ?? state.rootCwd, root: state.rootCwd };
}
