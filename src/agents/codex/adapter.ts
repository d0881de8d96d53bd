/**
 * Codex rollout adapter: one JSONL line in, common events out (shared/reference/codex.md §4–12,
 * seeds/processing-codex.md). Three formats, told apart by the first line:
 * - pre-envelope (0.20): a `{id, timestamp, instructions, git}` header, then bare response items;
 * - legacy envelope (0.40 – 0.146): `{timestamp, type, payload}` lines;
 * - paginated (0.148+): the same with `ordinal`, and `item_completed` events carrying the user
 *   and agent messages, commands and file changes.
 * What is read: prompts from the clean event or item (never the response_item copy with injected
 * context, except in 0.20 where nothing else exists), replies from whichever copy comes first,
 * commands and patches (see tools.ts). What is left: encrypted reasoning, token counts, turn
 * contexts (only their cwd is kept), and `compacted.replacement_history`, which repeats earlier
 * conversation. Pure and total: nothing here throws or does I/O.
 */

import type { z } from 'zod';
import type { Adapter, LineContext, ParseResult } from '../../adapters/adapter.js';
import { clipEnd } from '../../adapters/common/clip.js';
import { parseJsonLine, skipped, withoutUndefined } from '../../adapters/common/events.js';
import { MAX_CWD_CHARS, MAX_ID_CHARS, MAX_NAME_CHARS } from '../../adapters/common/limits.js';
import type { Draft, LineInfo } from './draft.js';
import { addPrompt, addReply, contentText, subagentReport } from './messages.js';
import {
  CallOutput,
  CompletedItem,
  CustomToolCall,
  ExecCommandEnd,
  FunctionCall,
  LocalShellCall,
  MessageItem,
  PatchApplyEnd,
  PreEnvelopeHeader,
  readEnvelope,
  SessionMeta,
  TurnContext,
  WebSearchCall,
} from './records.js';
import { type CodexState, codexStateSchema, initialState } from './state.js';
import {
  handleCallOutput,
  handleCompletedTool,
  handleCustomToolCall,
  handleExecEnd,
  handleFunctionCall,
  handleLocalShellCall,
  handlePatchEnd,
  handleWebSearch,
} from './tools.js';
import { isRecord } from '../../kit/plain-object.js';

export type { CodexState } from './state.js';

/** Record and payload types that carry nothing for the devlog or the changelog. */
const IGNORED_TYPES = new Set([
  'world_state',
  'token_usage_record',
  'dynamic_tools_updated',
  'inter_agent_communication',
  'inter_agent_communication_metadata',
  'security_risk_score',
  'realtime_item',
  'retained_context',
]);
const IGNORED_EVENTS = new Set([
  'token_count',
  'task_started',
  'agent_reasoning',
  'agent_reasoning_raw_content',
  'context_compacted',
  'web_search_end',
  'mcp_tool_call_end',
  'thread_settings_applied',
  'item_started',
  'exec_command_begin',
  'patch_apply_begin',
  'turn_diff',
  'thread_name_updated',
  'entered_review_mode',
  'exited_review_mode',
  'thread_goal_updated',
  'image_generation_end',
  'sub_agent_activity',
  'thread_rolled_back',
  'collab_agent_spawn_begin',
  'collab_waiting_begin',
  'mcp_tool_call_begin',
  'background_event',
  'stream_error',
  'error',
  'warning',
]);
const IGNORED_ITEMS = new Set([
  'reasoning',
  'compaction',
  'compaction_summary',
  'context_compaction',
  'ghost_snapshot',
  'additional_tools',
  'tool_search_call',
  'tool_search_output',
  'image_generation_call',
  'configuration_update',
  'agent_message',
]);

function noteSession(
  draft: Draft,
  line: LineInfo,
  meta: {
    id?: string | undefined;
    cwd?: string | undefined;
    branch?: string | undefined;
    version?: string | undefined;
  },
): void {
  if (draft.state.sessionEmitted) return;
  const id = meta.id !== undefined && meta.id.length <= MAX_ID_CHARS ? meta.id : undefined;
  const cwd = meta.cwd !== undefined && meta.cwd.length <= MAX_CWD_CHARS ? meta.cwd : undefined;
  draft.state = withoutUndefined({ ...draft.state, sessionEmitted: true, threadId: id, rootCwd: cwd, cwd });
  draft.events.push(
    withoutUndefined({
      kind: 'session' as const,
      at: line.at,
      sessionId: id,
      cwd,
      gitBranch: meta.branch,
      version: meta.version,
    }),
  );
}

/** Runs `handle` on a payload of the expected shape; anything else is one `bad-shape` skip. */
function shaped<T>(draft: Draft, schema: z.ZodType<T>, value: unknown, what: string, handle: (data: T) => void): void {
  const parsed = schema.safeParse(value);
  if (parsed.success) handle(parsed.data);
  else draft.events.push(skipped(`bad-shape:${what}`));
}

/** A response item: the same handling in every format (0.20 writes them bare). */
function handleResponseItem(draft: Draft, line: LineInfo, item: unknown): void {
  if (!isRecord(item) || typeof item['type'] !== 'string') {
    draft.events.push(skipped('bad-shape:response_item'));
    return;
  }
  const type = item['type'];
  if (IGNORED_ITEMS.has(type)) return;
  switch (type) {
    case 'message': {
      const msg = MessageItem.safeParse(item);
      if (!msg.success) return void draft.events.push(skipped('bad-shape:message'));
      // Prompts come from the events except in 0.20, which writes none.
      if (msg.data.role === 'user' && draft.state.format === 'pre-envelope')
        addPrompt(draft, line, contentText(msg.data.content, ['input_text']), true);
      else if (msg.data.role === 'assistant') addReply(draft, line, contentText(msg.data.content, ['output_text']));
      return;
    }
    case 'function_call':
      return shaped(draft, FunctionCall, item, type, (call) => handleFunctionCall(draft, line, call));
    case 'custom_tool_call':
      return shaped(draft, CustomToolCall, item, type, (call) => handleCustomToolCall(draft, line, call));
    case 'local_shell_call': {
      const call = LocalShellCall.safeParse(item);
      return call.success
        ? handleLocalShellCall(
            draft,
            line,
            call.data.call_id,
            call.data.action?.command,
            call.data.action?.working_directory,
          )
        : void draft.events.push(skipped('bad-shape:local_shell_call'));
    }
    case 'function_call_output':
    case 'custom_tool_call_output':
    case 'local_shell_call_output': {
      const out = CallOutput.safeParse(item);
      if (out.success) handleCallOutput(draft, line, out.data.call_id, out.data.output);
      return;
    }
    case 'web_search_call': {
      const call = WebSearchCall.safeParse(item);
      if (call.success) handleWebSearch(draft, line, call.data.id, call.data.action);
      return;
    }
    default:
      draft.events.push(skipped(`unknown-item:${clipEnd(type, MAX_NAME_CHARS)}`));
  }
}

function handleEvent(draft: Draft, line: LineInfo, payload: unknown): void {
  if (!isRecord(payload) || typeof payload['type'] !== 'string')
    return void draft.events.push(skipped('bad-shape:event_msg'));
  const type = payload['type'];
  if (IGNORED_EVENTS.has(type)) return;
  const text = (key: string) => (typeof payload[key] === 'string' ? payload[key] : '');
  switch (type) {
    case 'user_message':
      return addPrompt(draft, line, text('message'));
    case 'agent_message':
      return addReply(draft, line, text('message'));
    case 'task_complete':
      // The turn's last message again, unless this build wrote it nowhere else; in a subagent's
      // thread, its report to the parent.
      return draft.subagent
        ? subagentReport(draft, line, text('last_agent_message'))
        : addReply(draft, line, text('last_agent_message'));
    case 'turn_aborted':
      return;
    case 'exec_command_end':
      return shaped(draft, ExecCommandEnd, payload, type, (end) => handleExecEnd(draft, line, end));
    case 'patch_apply_end':
      return shaped(draft, PatchApplyEnd, payload, type, (end) => handlePatchEnd(draft, line, end));
    case 'item_completed': {
      const item = CompletedItem.safeParse(payload['item']);
      if (!item.success) return void draft.events.push(skipped('bad-shape:item_completed'));
      if (item.data.type === 'UserMessage')
        return addPrompt(draft, line, contentText(item.data.content, ['text', 'Text', 'input_text']));
      if (item.data.type === 'AgentMessage')
        return addReply(draft, line, contentText(item.data.content, ['Text', 'text', 'output_text']));
      return handleCompletedTool(draft, line, item.data);
    }
    case 'collab_agent_spawn_end':
      return subagentRef(draft, line, payload['new_thread_id'], payload['new_agent_role']);
    case 'collab_waiting_end': {
      // The parent hears back from its subagents: read what their threads did up to here.
      const statuses = Array.isArray(payload['agent_statuses']) ? payload['agent_statuses'].slice(0, 50) : [];
      for (const s of statuses) if (isRecord(s)) subagentRef(draft, line, s['thread_id'], s['agent_role']);
      return;
    }
    default:
      draft.events.push(skipped(`unknown-event:${clipEnd(type, MAX_NAME_CHARS)}`));
  }
}

function subagentRef(draft: Draft, line: LineInfo, threadId: unknown, role: unknown): void {
  if (typeof threadId !== 'string' || threadId.length === 0 || threadId.length > MAX_ID_CHARS || draft.subagent) return;
  draft.events.push(
    withoutUndefined({
      kind: 'subagent_ref' as const,
      at: line.at,
      agentId: threadId,
      agentType: typeof role === 'string' ? clipEnd(role, MAX_NAME_CHARS) : undefined,
    }),
  );
}

function parseEnvelope(draft: Draft, value: Record<string, unknown>): void {
  const env = readEnvelope(value);
  if (!env) return void draft.events.push(skipped('bad-shape:envelope'));
  const line: LineInfo = { at: env.timestamp };
  const { type, payload } = env;
  if (draft.state.format === 'unknown')
    draft.state = { ...draft.state, format: env.ordinal !== undefined ? 'paginated' : 'legacy' };
  else if (draft.state.format === 'legacy' && env.ordinal !== undefined)
    draft.state = { ...draft.state, format: 'paginated' };
  switch (type) {
    case 'session_meta': {
      const meta = SessionMeta.safeParse(payload);
      if (!meta.success) return void draft.events.push(skipped('bad-shape:session_meta'));
      return noteSession(
        draft,
        { at: meta.data.timestamp ?? line.at },
        { id: meta.data.id, cwd: meta.data.cwd, branch: meta.data.git?.branch, version: meta.data.cli_version },
      );
    }
    case 'turn_context': {
      const cwd = TurnContext.safeParse(payload).data?.cwd;
      if (cwd !== undefined && cwd.length <= MAX_CWD_CHARS)
        draft.state = { ...draft.state, cwd, rootCwd: draft.state.rootCwd ?? cwd };
      return;
    }
    case 'response_item':
      return handleResponseItem(draft, line, payload);
    case 'event_msg':
      return handleEvent(draft, line, payload);
    case 'compacted':
      // replacement_history repeats conversation already read; only the fact of compaction counts.
      return void draft.events.push(withoutUndefined({ kind: 'compaction' as const, at: line.at }));
    default:
      if (!IGNORED_TYPES.has(type)) draft.events.push(skipped(`unknown-type:${clipEnd(type, MAX_NAME_CHARS)}`));
  }
}

function parseRecord(state: CodexState, value: unknown, ctx: LineContext | undefined): ParseResult<CodexState> {
  if (!isRecord(value)) return { state, events: [skipped('not-an-object')] };
  const draft: Draft = { state, events: [], subagent: ctx?.subagent, repoRoot: ctx?.repoRoot };
  if ('payload' in value && typeof value['type'] === 'string') {
    parseEnvelope(draft, value);
    return draft;
  }
  // 0.20: a header line, `{"record_type": "state"}` markers, then bare response items.
  if (value['record_type'] !== undefined) return draft;
  const header =
    state.format === 'unknown' && value['type'] === undefined ? PreEnvelopeHeader.safeParse(value) : undefined;
  if (header?.success) {
    const at =
      header.data.timestamp !== undefined && header.data.timestamp.length <= 64 ? header.data.timestamp : undefined;
    draft.state = withoutUndefined({ ...draft.state, format: 'pre-envelope' as const, headerAt: at });
    noteSession(draft, { at: header.data.timestamp }, { id: header.data.id, branch: header.data.git?.branch });
    return draft;
  }
  if (typeof value['type'] === 'string') {
    if (draft.state.format === 'unknown') draft.state = { ...draft.state, format: 'pre-envelope' };
    handleResponseItem(draft, { at: draft.state.headerAt }, value);
    return draft;
  }
  return { state, events: [skipped('no-type')] };
}

/**
 * Records that carry nothing, recognised from the start of the line without parsing it: token
 * counts, encrypted reasoning and the like are a third of a rollout's lines and much of its
 * bytes. Codex writes the envelope keys in a fixed order; a line written otherwise is parsed.
 */
const NOTHING_TO_READ =
  /^\{"timestamp":"[^"]{0,40}",(?:"ordinal":\d{1,15},)?"type":"(?:event_msg","payload":\{"type":"(?:token_count|agent_reasoning|task_started|exec_command_begin|patch_apply_begin|item_started|thread_settings_applied)"|response_item","payload":\{"type":"(?:reasoning"|message","role":"(?:developer|user|system)")|world_state"|token_usage_record")/;

/** turn_context lines are large (instructions, policies) and only their cwd is used: read it from the text. */
const TURN_CONTEXT_CWD =
  /^\{"timestamp":"[^"]{0,40}",(?:"ordinal":\d{1,15},)?"type":"turn_context","payload":\{(?:"turn_id":"[^"\\]{0,200}",)?"cwd":("(?:[^"\\]|\\.){0,4096}")/;

function turnContextCwd(state: CodexState, line: string): CodexState | undefined {
  const m = TURN_CONTEXT_CWD.exec(line);
  if (!m) return undefined;
  let cwd: unknown;
  try {
    cwd = JSON.parse(m[1] as string);
  } catch {
    // Not a plain JSON string after all: the full parse decides.
    return undefined;
  }
  if (typeof cwd !== 'string' || cwd.length > MAX_CWD_CHARS) return state;
  return cwd === state.cwd && state.rootCwd !== undefined ? state : { ...state, cwd, rootCwd: state.rootCwd ?? cwd };
}

function parseLine(state: CodexState, line: string, ctx?: LineContext): ParseResult<CodexState> {
  if (NOTHING_TO_READ.test(line)) return { state, events: [] };
  const afterContext = line.length > 512 ? turnContextCwd(state, line) : undefined;
  if (afterContext) return { state: afterContext, events: [] };
  return parseJsonLine(state, line, ctx, parseRecord);
}

export const codexAdapter: Adapter<CodexState> = {
  name: 'codex',
  stateSchema: codexStateSchema,
  initialState,
  parseLine,
};
