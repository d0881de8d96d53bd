/**
 * One message object, in any of the dialects the guide names, read into generic records:
 * - role/content (raw API logs): `{role, content}` with content a string or a list of blocks —
 *   text, Anthropic `tool_use` / `tool_result`, OpenAI Responses `input_text` / `output_text` —
 *   plus OpenAI `tool_calls` / `function_call` and `role: "tool"` results;
 * - OpenAI Responses items without a role: `function_call` / `tool_call` and their
 *   `function_call_output` / `tool_output`;
 * - LangChain: `{type: human|ai|tool|system|function}`, fields at the top or under `data`.
 * Every schema is loose: unknown fields are ignored and a field of the wrong type counts as absent,
 * so one odd field costs that field, not the message.
 */

import { z } from 'zod';
import { clipEnd } from '../../adapters/common/clip.js';
import { MAX_NAME_CHARS } from '../../adapters/common/limits.js';
import {
  type GenericRecord,
  type GenericRole,
  type GenericToolCall,
  type GenericToolInput,
  MAX_ARGUMENTS_CHARS,
  MAX_INPUT_ITEMS,
  MAX_INPUT_KEY_CHARS,
  MAX_INPUT_KEYS,
  MAX_INPUT_VALUE_CHARS,
  MAX_TOOLS_PER_RECORD,
} from './record.js';
import { boundedCwd, boundedId, headAndTail, isoTime, messageText } from './text.js';
import { isRecord } from '../../kit/plain-object.js';

export type Dialect = 'role' | 'langchain';
/** Transcripts of the agents shiplog has adapters for: read by those, not guessed at here. */
export type Foreign = 'claude-code' | 'codex';

const str = z.string().optional().catch(undefined);
const bool = z.boolean().optional().catch(undefined);
const time = z.union([z.string(), z.number()]).optional().catch(undefined);
const list = z.array(z.unknown()).optional().catch(undefined);

const ROLES: Record<string, GenericRole> = {
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  ai: 'assistant',
  model: 'assistant',
  system: 'system',
  developer: 'system',
  tool: 'tool',
  function: 'tool',
};

const LANGCHAIN_TYPES = new Set(['human', 'ai', 'tool', 'system', 'function']);
const CALL_ITEMS = new Set(['function_call', 'tool_call', 'custom_tool_call']);
const OUTPUT_ITEMS = new Set(['function_call_output', 'tool_output', 'custom_tool_call_output']);

/** Fields that time a message, in the order they are trusted. */
const Times = z.object({ timestamp: time, created_at: time, createdAt: time, time: time });
type Times = z.infer<typeof Times>;
const timeOf = (t: Times): string | undefined => isoTime(t.timestamp ?? t.created_at ?? t.createdAt ?? t.time);

const RoleMessage = Times.extend({
  role: z.string(),
  content: z.unknown().optional(),
  tool_calls: list,
  function_call: z.unknown().optional(),
  tool_call_id: str,
  name: str,
  is_error: bool,
  cwd: str,
});

const LangChainFields = z.object({
  content: z.unknown().optional(),
  tool_calls: list,
  additional_kwargs: z.object({ tool_calls: list }).optional().catch(undefined),
  tool_call_id: str,
  name: str,
  status: str,
});
const LangChainMessage = Times.extend(LangChainFields.shape).extend({
  type: z.string(),
  data: LangChainFields.optional().catch(undefined),
  cwd: str,
});

const CallItem = Times.extend({
  call_id: str,
  id: str,
  name: z.string(),
  arguments: z.unknown().optional(),
  input: z.unknown().optional(),
});
const OutputItem = Times.extend({ call_id: str, output: z.unknown().optional() });

const TextBlock = z.object({ type: z.enum(['text', 'input_text', 'output_text']), text: z.string() });
/** Anthropic `tool_use`, LangChain v1 `tool_call`, and a Responses call written as a block. */
const ToolUseBlock = z.object({
  type: z.enum(['tool_use', 'tool_call', 'function_call']),
  id: str,
  call_id: str,
  name: z.string(),
  input: z.unknown().optional(),
  args: z.unknown().optional(),
  arguments: z.unknown().optional(),
});
const ToolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: str,
  content: z.unknown().optional(),
  is_error: bool,
});
/** OpenAI chat `tool_calls` items, and LangChain's `{name, args, id}`. */
const OpenAIToolCall = z.object({
  id: str,
  function: z.object({ name: z.string(), arguments: z.unknown().optional() }),
});
const LangChainToolCall = z.object({ id: str, name: z.string(), args: z.unknown().optional() });
const LegacyFunctionCall = z.object({ name: z.string(), arguments: z.unknown().optional() });

/** What kind of record a parsed JSON value is: a message of some dialect, another agent's, or neither. */
export function classify(value: unknown): Dialect | Foreign | undefined {
  if (!isRecord(value)) return undefined;
  const type = value['type'];
  if (typeof type === 'string') {
    if ((type === 'user' || type === 'assistant') && isRecord(value['message'])) return 'claude-code';
    if (type === 'response_item' || type === 'event_msg' || type === 'session_meta' || type === 'turn_context')
      return 'codex';
  }
  if (typeof value['role'] === 'string') return ROLES[value['role']] === undefined ? undefined : 'role';
  if (typeof type === 'string') {
    if (LANGCHAIN_TYPES.has(type)) return 'langchain';
    if (CALL_ITEMS.has(type) || OUTPUT_ITEMS.has(type)) return 'role';
  }
  return undefined;
}

/** A tool input flattened to its top-level strings and string lists, each bounded. */
function flatInput(value: Record<string, unknown>): GenericToolInput {
  const out: GenericToolInput = {};
  let keys = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || key.length > MAX_INPUT_KEY_CHARS) continue;
    const v = value[key];
    if (typeof v === 'string') out[key] = clipEnd(v, MAX_INPUT_VALUE_CHARS);
    else if (Array.isArray(v) && v.length <= MAX_INPUT_ITEMS && v.every((item) => typeof item === 'string')) {
      out[key] = v.map((item: string) => clipEnd(item, MAX_INPUT_VALUE_CHARS));
    } else continue;
    if (++keys >= MAX_INPUT_KEYS) break;
  }
  return out;
}

/** A tool input given as an object, or as a JSON string of one (OpenAI `arguments`). */
function toolInput(raw: unknown): GenericToolInput | undefined {
  if (isRecord(raw)) return flatInput(raw);
  if (typeof raw !== 'string' || raw.length > MAX_ARGUMENTS_CHARS || !raw.trimStart().startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Arguments that are not JSON (cut off, or a model's malformed call) give no input to read;
    // the call is kept by name.
    return undefined;
  }
  return isRecord(parsed) ? flatInput(parsed) : undefined;
}

function toolCall(id: string | undefined, name: string, input: unknown): GenericToolCall {
  const call: GenericToolCall = { name: clipEnd(name, MAX_NAME_CHARS) };
  const boundId = boundedId(id);
  if (boundId !== undefined) call.id = boundId;
  const flat = toolInput(input);
  if (flat !== undefined) call.input = flat;
  return call;
}

/** Text of a content list's text items and bare strings; images and anything else left out. */
function textOfList(items: readonly unknown[]): string {
  const parts: string[] = [];
  for (const item of items) {
    if (typeof item === 'string') parts.push(item);
    else {
      const block = TextBlock.safeParse(item);
      if (block.success) parts.push(block.data.text);
    }
  }
  return parts.join('\n');
}

/** A tool result's output: a string, a list of text items, or an object's `text`/`content`/`output`. */
function outputText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return textOfList(content);
  if (isRecord(content)) {
    for (const key of ['text', 'content', 'output']) {
      const v = content[key];
      if (typeof v === 'string') return v;
    }
  }
  return '';
}

function resultRecord(
  id: string | undefined,
  name: string | undefined,
  content: unknown,
  isError: boolean | undefined,
  at: string | undefined,
): GenericRecord {
  const output = headAndTail(outputText(content));
  const boundId = boundedId(id);
  return stamped(
    {
      role: 'tool',
      toolResult: {
        ...(boundId !== undefined && { id: boundId }),
        ...(name !== undefined && { name: clipEnd(name, MAX_NAME_CHARS) }),
        ...(output !== '' && { output }),
        ...(isError !== undefined && { isError }),
      },
    },
    at,
  );
}

/** The record with the message's time and working folder, when it has them. */
function stamped(record: GenericRecord, at: string | undefined, cwd?: string): GenericRecord {
  if (at !== undefined) record.at = at;
  const boundCwd = boundedCwd(cwd);
  if (boundCwd !== undefined) record.cwd = boundCwd;
  return record;
}

interface Content {
  text: string[];
  tools: GenericToolCall[];
  results: GenericRecord[];
}

/** Text, tool calls and tool results of a message's content (a string, one block, or a list). */
function readContent(content: unknown, at: string | undefined): Content {
  const out: Content = { text: [], tools: [], results: [] };
  if (typeof content === 'string') {
    out.text.push(content);
    return out;
  }
  const blocks = Array.isArray(content) ? content : isRecord(content) ? [content] : [];
  for (const block of blocks) {
    if (typeof block === 'string') {
      out.text.push(block);
      continue;
    }
    const text = TextBlock.safeParse(block);
    if (text.success) {
      out.text.push(text.data.text);
      continue;
    }
    const use = ToolUseBlock.safeParse(block);
    if (use.success) {
      out.tools.push(
        toolCall(use.data.id ?? use.data.call_id, use.data.name, use.data.input ?? use.data.args ?? use.data.arguments),
      );
      continue;
    }
    const result = ToolResultBlock.safeParse(block);
    if (result.success)
      out.results.push(resultRecord(result.data.tool_use_id, undefined, result.data.content, result.data.is_error, at));
    // Images, documents, thinking, and anything newer: not conversation text.
  }
  return out;
}

/** Tool calls listed beside the content: OpenAI `tool_calls` and LangChain `tool_calls`. */
function listedCalls(items: readonly unknown[] | undefined): GenericToolCall[] {
  const calls: GenericToolCall[] = [];
  for (const item of items ?? []) {
    const openai = OpenAIToolCall.safeParse(item);
    if (openai.success) {
      calls.push(toolCall(openai.data.id, openai.data.function.name, openai.data.function.arguments));
      continue;
    }
    const langchain = LangChainToolCall.safeParse(item);
    if (langchain.success) calls.push(toolCall(langchain.data.id, langchain.data.name, langchain.data.args));
  }
  return calls;
}

/** OpenAI's older single `function_call: {name, arguments}` (no id: results pair in order). */
function legacyCall(value: unknown): GenericToolCall[] {
  if (value === undefined) return [];
  const parsed = LegacyFunctionCall.safeParse(value);
  return parsed.success ? [toolCall(undefined, parsed.data.name, parsed.data.arguments)] : [];
}

interface Parts {
  role: GenericRole;
  content: unknown;
  calls: GenericToolCall[];
  /** For tool messages: the call answered, the tool's name, whether it failed. */
  callId?: string | undefined;
  name?: string | undefined;
  isError?: boolean | undefined;
  at: string | undefined;
  cwd: string | undefined;
}

/**
 * The records of one message. A message that carries tool results gives only those: text beside
 * them in a user turn is the harness's (reminders, notices), not something the person typed.
 */
function recordsOf(parts: Parts): GenericRecord[] {
  const { role, at, cwd } = parts;
  if (role === 'tool')
    return [stamped(resultRecord(parts.callId, parts.name, parts.content, parts.isError, undefined), at, cwd)];
  const content = readContent(parts.content, at);
  if (content.results.length > 0) return content.results.map((r) => stamped(r, undefined, cwd));
  const record: GenericRecord = { role };
  const text = messageText(content.text.join('\n\n'));
  if (text !== undefined) record.text = text;
  if (role === 'assistant') {
    const tools = [...content.tools, ...parts.calls].slice(0, MAX_TOOLS_PER_RECORD);
    if (tools.length > 0) record.tools = tools;
  }
  return [stamped(record, at, cwd)];
}

/** Records of a role/content message or a Responses call/output item; [] when it is neither. */
function fromRoleDialect(value: unknown): GenericRecord[] {
  const message = RoleMessage.safeParse(value);
  if (message.success) {
    const m = message.data;
    const role = ROLES[m.role];
    if (role === undefined) return [];
    const calls = m.tool_calls !== undefined ? listedCalls(m.tool_calls) : legacyCall(m.function_call);
    return recordsOf({
      role,
      content: m.content,
      calls,
      callId: m.tool_call_id,
      name: m.name,
      isError: m.is_error,
      at: timeOf(m),
      cwd: m.cwd,
    });
  }
  const type = isRecord(value) ? value['type'] : undefined;
  if (typeof type !== 'string') return [];
  if (CALL_ITEMS.has(type)) {
    const call = CallItem.safeParse(value);
    if (!call.success) return [];
    const c = call.data;
    return [
      stamped({ role: 'assistant', tools: [toolCall(c.call_id ?? c.id, c.name, c.arguments ?? c.input)] }, timeOf(c)),
    ];
  }
  if (OUTPUT_ITEMS.has(type)) {
    const out = OutputItem.safeParse(value);
    return out.success ? [resultRecord(out.data.call_id, undefined, out.data.output, undefined, timeOf(out.data))] : [];
  }
  return [];
}

/** Records of a LangChain message; fields under `data` (messages_to_dict) win over top-level ones. */
function fromLangChain(value: unknown): GenericRecord[] {
  const parsed = LangChainMessage.safeParse(value);
  if (!parsed.success) return [];
  const m = parsed.data;
  const role = ROLES[m.type];
  if (role === undefined) return [];
  const d = m.data;
  const toolCalls = d?.tool_calls ?? m.tool_calls;
  const kwargCalls = d?.additional_kwargs?.tool_calls ?? m.additional_kwargs?.tool_calls;
  const status = d?.status ?? m.status;
  return recordsOf({
    role,
    content: d?.content ?? m.content,
    // LangChain repeats OpenAI's tool_calls in additional_kwargs: one list, not both.
    calls: listedCalls(toolCalls !== undefined && toolCalls.length > 0 ? toolCalls : kwargCalls),
    callId: d?.tool_call_id ?? m.tool_call_id,
    name: d?.name ?? m.name,
    isError: status === undefined ? undefined : status === 'error',
    at: timeOf(m),
    cwd: m.cwd,
  });
}

/** The records of one message value of a known dialect. */
export function readMessage(value: unknown, dialect: Dialect): GenericRecord[] {
  return dialect === 'role' ? fromRoleDialect(value) : fromLangChain(value);
}
