/**
 * The generic adapter: one normalised record (record.ts) a line, as the pipeline feeds it from
 * readGeneric (shapes.ts), in order; common events out. What it keeps and drops follows
 * seeds/processing-generic.md:
 * - a user record's text is a prompt, with injected context (`<instructions>`, `<context>`, …)
 *   taken out; an assistant record's text is a reply, once per turn however often it is logged;
 * - tool calls that change the project or run commands are tool events (`ran npm test`,
 *   `edited src/a.ts`); their results say whether they worked, and a failed, refused or
 *   interrupted one is an error (outcome.ts). A call whose result never comes gets no result
 *   here: the devlog marks it `(no result)`, never done. Other calls, and their results, are
 *   noise and give nothing;
 * - system records, empty messages and tool output give nothing.
 *
 * Pure and total, like every adapter (src/adapters/adapter.ts): the line is untrusted even though
 * readGeneric bounded it, so texts, ids and tool lists are bounded again here.
 *
 */

import type { AgentEvent } from '../../events.js';
import type { Adapter, LineContext, ParseResult } from '../../adapters/adapter.js';
import { clipEnd, tail } from '../../adapters/common/clip.js';
import { parseJsonLine, skipped, withoutUndefined } from '../../adapters/common/events.js';
import {
  ACTION_MAX_CHARS,
  MAX_CWD_CHARS,
  MAX_ID_CHARS,
  MAX_NAME_CHARS,
  OUTPUT_TAIL_CHARS,
} from '../../adapters/common/limits.js';
import { type PathBase, projectRoot } from '../../adapters/common/paths.js';
import { promptText } from './noise.js';
import { classifyResult } from './outcome.js';
import {
  GenericRecord,
  type GenericToolCall,
  type GenericToolResult,
  MAX_INPUT_VALUE_CHARS,
  MAX_TEXT_CHARS,
  MAX_TOOLS_PER_RECORD,
} from './record.js';
import {
  CALLS_CAP,
  type GenericState,
  genericStateSchema,
  initialState,
  type PendingCall,
  pushBounded,
  RECENT_CAP,
  textHash,
} from './state.js';
import { nameToolCall, normaliseToolName } from './tools.js';

export { genericStateSchema, type GenericState } from './state.js';
export { readGeneric } from './shapes.js';

export type GenericAdapter = Adapter<GenericState>;

/** The state and events being built for one line; the input state is never written to. */
interface Draft {
  state: GenericState;
  events: AgentEvent[];
  at: string | undefined;
  base: PathBase;
}

function nextSeq(draft: Draft): number {
  const seq = draft.state.seq + 1;
  draft.state = { ...draft.state, seq };
  return seq;
}

function handleUser(draft: Draft, text: string | undefined): void {
  const prompt = text === undefined ? undefined : promptText(clipEnd(text, MAX_TEXT_CHARS));
  if (prompt === undefined) return;
  // A new turn: calls still waiting belong to the last one (the devlog has marked them as having
  // no result), and must not be paired with a later result that names no call.
  draft.state = { ...draft.state, pending: [], recentReplies: [] };
  draft.events.push(withoutUndefined({ kind: 'prompt' as const, at: draft.at, text: prompt }));
}

/** The reply of an assistant record, unless this turn already had the same text. */
function handleReply(draft: Draft, text: string | undefined, messageId: string): void {
  const reply = text === undefined ? '' : clipEnd(text, MAX_TEXT_CHARS).trim();
  if (reply === '') return;
  const hash = textHash(reply);
  if (draft.state.recentReplies.includes(hash)) return;
  draft.state = { ...draft.state, recentReplies: pushBounded(draft.state.recentReplies, hash, RECENT_CAP) };
  draft.events.push(withoutUndefined({ kind: 'reply' as const, at: draft.at, text: reply, messageId }));
}

function isKnownCall(state: GenericState, id: string): boolean {
  return state.pending.some((c) => c.id === id) || state.done.includes(id);
}

function handleToolCall(draft: Draft, call: GenericToolCall, messageId: string): void {
  const givenId = call.id !== undefined && call.id.length > 0 && call.id.length <= MAX_ID_CHARS ? call.id : undefined;
  // A second copy of a call (the same id logged twice) is the same call.
  if (givenId !== undefined && isKnownCall(draft.state, givenId)) return;
  const named = nameToolCall(call, draft.base);
  if (named === undefined) return;
  const callId = givenId ?? `generic-call-${nextSeq(draft)}`;
  const pending: PendingCall = { id: callId, tool: clipEnd(named.tool, MAX_NAME_CHARS) };
  draft.state = { ...draft.state, pending: pushBounded(draft.state.pending, pending, CALLS_CAP) };
  draft.events.push(
    withoutUndefined({
      kind: 'tool_call' as const,
      at: draft.at,
      callId,
      messageId,
      tool: clipEnd(call.name, MAX_NAME_CHARS),
      action: clipEnd(named.action, ACTION_MAX_CHARS),
      files: named.files,
      command: named.command === undefined ? undefined : clipEnd(named.command, MAX_INPUT_VALUE_CHARS),
    }),
  );
}

/** The waiting call a result answers: by id, else (formats without ids) the oldest of its tool, else the oldest. */
function findPending(state: GenericState, result: GenericToolResult): PendingCall | undefined {
  if (result.id !== undefined) return state.pending.find((c) => c.id === result.id);
  const tool = result.name === undefined ? undefined : normaliseToolName(result.name);
  return (tool === undefined ? undefined : state.pending.find((c) => c.tool === tool)) ?? state.pending[0];
}

function handleToolResult(draft: Draft, result: GenericToolResult | undefined): void {
  if (result === undefined) return;
  // The result of a call that was not named (a read, a search), or of one already answered.
  const call = findPending(draft.state, result);
  if (call === undefined) return;
  draft.state = {
    ...draft.state,
    pending: draft.state.pending.filter((c) => c !== call),
    done: pushBounded(draft.state.done, call.id, CALLS_CAP),
  };
  const output = result.output ?? '';
  const { classified, exitCode } = classifyResult(output, result.isError === true);
  draft.events.push(
    withoutUndefined({
      kind: 'tool_result' as const,
      at: draft.at,
      callId: call.id,
      // A refused or interrupted call is an error too: what reads only isError must not count it done.
      isError: result.isError === true || classified !== undefined,
      outcome: classified?.outcome,
      reason: classified?.reason,
      exitCode,
      output: output === '' ? undefined : tail(output, OUTPUT_TAIL_CHARS),
    }),
  );
}

function noteSession(draft: Draft, cwd: string | undefined): void {
  if (cwd !== undefined && cwd.length > 0 && cwd.length <= MAX_CWD_CHARS) {
    draft.state = { ...draft.state, cwd, rootCwd: draft.state.rootCwd ?? cwd };
  }
  if (draft.state.sessionEmitted) return;
  draft.state = { ...draft.state, sessionEmitted: true };
  draft.events.push(withoutUndefined({ kind: 'session' as const, at: draft.at, cwd: draft.state.rootCwd }));
}

function parseRecord(state: GenericState, value: unknown, ctx: LineContext | undefined): ParseResult<GenericState> {
  const parsed = GenericRecord.safeParse(value);
  if (!parsed.success) return { state, events: [skipped('bad-shape:record')] };
  const record = parsed.data;
  const at = record.at !== undefined && record.at.length <= 64 ? record.at : undefined;
  const draft: Draft = { state, events: [], at, base: { cwd: undefined, root: undefined } };
  noteSession(draft, record.cwd);
  draft.base = { cwd: draft.state.cwd, root: projectRoot(draft.state.rootCwd, ctx?.repoRoot) };
  switch (record.role) {
    case 'user':
      handleUser(draft, record.text);
      break;
    case 'assistant': {
      const tools = (record.tools ?? []).slice(0, MAX_TOOLS_PER_RECORD);
      if ((record.text ?? '').trim() === '' && tools.length === 0) break;
      const messageId = `generic-msg-${nextSeq(draft)}`;
      handleReply(draft, record.text, messageId);
      for (const call of tools) handleToolCall(draft, call, messageId);
      break;
    }
    case 'tool':
      handleToolResult(draft, record.toolResult);
      break;
    case 'system':
      // System prompts are the same across sessions: not conversation.
      break;
  }
  return draft;
}

function parseLine(state: GenericState, line: string, ctx?: LineContext): ParseResult<GenericState> {
  return parseJsonLine(state, line, ctx, parseRecord);
}

export const genericAdapter: GenericAdapter = {
  name: 'generic',
  stateSchema: genericStateSchema,
  initialState,
  parseLine,
};
