/**
 * What the Codex handlers share for one parseLine call: the state and events being built, and the
 * current line's time and path base.
 */

import type { AgentEvent, Subagent } from '../../events.js';
import { type PathBase, projectRoot } from '../../adapters/common/paths.js';
import type { CodexState } from './state.js';

export interface Draft {
  state: CodexState;
  events: AgentEvent[];
  /** Set while reading a subagent thread's rollout on behalf of its parent. */
  subagent?: Subagent | undefined;
  /** The repository's top level, from the line context. */
  repoRoot?: string | undefined;
}

export interface LineInfo {
  /** ISO time of the record; undefined for 0.20's bare records. */
  at: string | undefined;
}

export function pathBase(draft: Draft, workdir?: string): PathBase {
  const { state } = draft;
  return { cwd: workdir ?? state.cwd ?? state.rootCwd, root: projectRoot(state.rootCwd, draft.repoRoot) };
}
