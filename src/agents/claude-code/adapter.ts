/**
 * Claude Code transcript adapter: one JSONL record in, common events out. This file is the entry
 * point (parseLine and the adapter object); the rest of this folder holds the pieces it uses.
 *
 * Format facts (shared/reference/claude-code.md §8–13): records are `user`, `assistant` and
 * `system` plus a long, growing list of metadata types; one API message is split into one record
 * per content block (all sharing `message.id`); 1.0.x writes subagents inline as
 * `isSidechain: true` records, 2.1.x into `<session>/subagents/agent-<id>.jsonl`; 2.1.330 runs
 * subagents in the background and reports them later in a `<task-notification>` user turn. The
 * format is internal and changes between versions, so every schema in this folder is loose:
 * unknown fields are ignored, a field of the wrong type counts as absent, and only a record whose
 * core shape is unusable becomes a `skipped` event.
 */

import type { Adapter, LineContext, ParseResult } from '../../adapters/adapter.js';
import { parseJsonLine } from '../../adapters/common/events.js';
import { projectRoot } from '../../adapters/common/paths.js';
import { type Draft, type LineInfo, skipped } from './draft.js';
import { MAX_NAME_CHARS } from '../../adapters/common/limits.js';
import { handleAssistant, handleSystem, handleUser } from './messages.js';
import { AssistantRecord, Envelope, IGNORED_TYPES, SystemRecord, UserRecord } from './records.js';
import { noteSession } from './session.js';
import { type ClaudeCodeState, claudeCodeStateSchema, initialState } from './state.js';
import { learnFromProgress, subagentOf } from './subagents.js';
import { clipEnd } from './text.js';
import { isRecord } from '../../kit/plain-object.js';

export { claudeCodeStateSchema, type ClaudeCodeState } from './state.js';

function parseRecord(
  state: ClaudeCodeState,
  value: unknown,
  ctx: LineContext | undefined,
): ParseResult<ClaudeCodeState> {
  if (!isRecord(value)) return { state, events: [skipped('not-an-object')] };
  const type = value['type'];
  if (typeof type !== 'string') return { state, events: [skipped('no-type')] };
  if (type === 'progress') return { state: learnFromProgress(state, value), events: [] };
  if (IGNORED_TYPES.has(type)) return { state, events: [] };
  if (type !== 'user' && type !== 'assistant' && type !== 'system') {
    return { state, events: [skipped(`unknown-type:${clipEnd(type, MAX_NAME_CHARS)}`)] };
  }

  const env = Envelope.safeParse(value);
  if (!env.success) return { state, events: [skipped(`bad-shape:${type}`)] };
  const user = type === 'user' ? UserRecord.safeParse(value) : undefined;
  const assistant = type === 'assistant' ? AssistantRecord.safeParse(value) : undefined;
  if (user?.success === false || assistant?.success === false) {
    return { state, events: [skipped(`bad-shape:${type}`)] };
  }

  // Re-written copies of a record (same uuid) give events with the same ids; the reducers after
  // the adapter fold those in once (src/seen-ring.ts), so the state here stays tiny per line.
  const draft: Draft = { state, events: [] };
  const subagent = subagentOf(env.data, ctx);
  noteSession(draft, env.data, subagent);
  const line: LineInfo = {
    env: env.data,
    at: env.data.timestamp,
    base: { cwd: env.data.cwd, root: projectRoot(draft.state.rootCwd, ctx?.repoRoot) },
    subagent,
  };

  if (user?.success === true) handleUser(draft, line, user.data);
  else if (assistant?.success === true) handleAssistant(draft, line, assistant.data);
  else handleSystem(draft, line, SystemRecord.safeParse(value).data?.subtype);
  return draft;
}

function parseLine(state: ClaudeCodeState, line: string, ctx?: LineContext): ParseResult<ClaudeCodeState> {
  return parseJsonLine(state, line, ctx, parseRecord);
}

export const claudeCodeAdapter: Adapter<ClaudeCodeState> = {
  name: 'claude-code',
  stateSchema: claudeCodeStateSchema,
  initialState,
  parseLine,
};
