// A loopback mock of the Anthropic Messages API (`POST /v1/messages[?beta=true]`, streaming SSE) that
// plays a scripted conversation, so the real Claude Code client runs fully offline (see shared
// reference claude-code.md §14).
//
// Script = prompt → steps; step = the content blocks of one model response. The mock picks:
//   - the turn by the prompt that started it: the first real user text of the latest human turn
//     (user messages whose only text is injected context such as `<system-reminder>` or
//     `<local-command-caveat>`, and tool_result-only messages, do not start a turn; a background
//     subagent's `<task-notification>` does). A subagent's conversation starts with the `prompt`
//     given to the Agent tool, so it is scripted the same way;
//   - the step by counting `tool_result` blocks after that prompt (a step with N tool_use blocks
//     consumes N results).
// Compaction requests (last user text asks for a detailed summary) get `<analysis>…<summary>…`;
// anything unscripted gets a plain "mock: no scripted step" text with end_turn, so the client never
// hangs. Only node built-ins; listens on 127.0.0.1 with a random port.
import { randomBytes } from 'node:crypto';
import { listenLoopback, readBody } from './loopback.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface TextBlock {
  type: 'text';
  text: string;
}
export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}
export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}
type ClaudeBlock = TextBlock | ToolUseBlock | ThinkingBlock;
/** The content blocks of one model response. */
type ClaudeStep = ClaudeBlock[];
/**
 * Prompt text → steps. The key is compared with the trimmed prompt; a key starting with `<` also
 * matches as a prefix, so `'<task-notification>'` scripts the turn that reports a background
 * subagent's end (its text carries ids that change every run).
 */
export type ClaudeScript = Record<string, ClaudeStep[]>;

export interface MockMessagesOptions {
  /** Text of the `<summary>` returned to compaction requests. */
  summary?: string;
  /** Keep each parsed request body in `RecordedRequest.raw` (large: the system prompt and tools). */
  keepBodies?: boolean;
}

/** Which answer a request got. */
type Answered =
  | { kind: 'step'; prompt: string; step: number }
  | { kind: 'compaction' }
  | { kind: 'unscripted'; prompt: string | null; step: number }
  | { kind: 'not-found' };

interface RecordedRequest {
  method: string;
  /** Path with query, e.g. `/v1/messages?beta=true`. */
  path: string;
  headers: { userAgent?: string; xApp?: string; anthropicBeta?: string; hasApiKey: boolean };
  body: {
    model?: string;
    stream?: boolean;
    messages: number;
    tools: number;
    /** The prompt that identified the turn (null for none, e.g. compaction). */
    prompt: string | null;
    toolResults: number;
  } | null;
  answered: Answered;
  /** Stop reason sent back (null when no message was sent). */
  stopReason: 'tool_use' | 'end_turn' | null;
  /** The parsed body, only with `keepBodies`. */
  raw?: unknown;
}

export interface MockMessagesServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const COMPACTION_MARKERS = ['Your task is to create a detailed summary', 'Respond with TEXT ONLY'];
/** Injected user text that is context, not something a human typed. */
const INJECTED_PREFIXES = [
  '<system-reminder>',
  '<local-command-caveat>',
  '<local-command-stdout>',
  '<local-command-stderr>',
  '<command-name>',
  '<command-message>',
  '<command-args>',
];

// --- block builders --------------------------------------------------------------------------

/** An id unique across runs, in the shape the API uses. */
function freshId(prefix: string): string {
  return `${prefix}_mock${randomBytes(10).toString('hex')}`;
}

export function text(t: string): TextBlock {
  return { type: 'text', text: t };
}

/** A tool call; `Write`/`Edit`/`Read` need an absolute `file_path`. */
export function toolUse(name: string, input: Record<string, unknown>): ToolUseBlock {
  return { type: 'tool_use', id: freshId('toolu'), name, input };
}

/** A thinking block (the client keeps it in the transcript and sends it back). */
export function thinking(t: string): ThinkingBlock {
  return { type: 'thinking', thinking: t, signature: `sig_${randomBytes(16).toString('base64url')}` };
}

// --- request analysis ------------------------------------------------------------------------

interface ApiBlock {
  type?: unknown;
  text?: unknown;
}
interface ApiMessage {
  role?: unknown;
  content?: unknown;
}

function blocksOf(message: ApiMessage): ApiBlock[] {
  const { content } = message;
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter((b): b is ApiBlock => typeof b === 'object' && b !== null) : [];
}

function blockText(block: ApiBlock): string | null {
  return block.type === 'text' && typeof block.text === 'string' ? block.text : null;
}

const TASK_NOTIFICATION = '<task-notification>';

/**
 * The prompt a user text block carries, or null for injected context. A background subagent's
 * report arrives as a `<system-reminder>` wrapping `<task-notification>…`; it starts a turn of its
 * own, identified by the text from `<task-notification>` on.
 */
function promptOf(t: string): string | null {
  const notification = t.indexOf(TASK_NOTIFICATION);
  if (notification >= 0) return t.slice(notification).trim();
  const s = t.trim();
  if (s.length === 0 || INJECTED_PREFIXES.some((p) => s.startsWith(p))) return null;
  return s;
}

/** User blocks flattened in conversation order, so "after the prompt" is a simple index compare. */
interface FlatBlock {
  message: number;
  block: ApiBlock;
  prompt: string | null;
}

function userBlocks(messages: ApiMessage[]): FlatBlock[] {
  return messages.flatMap((m, message) =>
    m.role === 'user' ? blocksOf(m).map((block) => ({ message, block, prompt: promptFromBlock(block) })) : [],
  );
}

function promptFromBlock(block: ApiBlock): string | null {
  const t = blockText(block);
  return t === null ? null : promptOf(t);
}

interface TurnPosition {
  prompt: string;
  toolResults: number;
}

/** The latest human prompt and how many tool results followed it. */
function latestTurn(messages: ApiMessage[]): TurnPosition | null {
  const flat = userBlocks(messages);
  // The first prompt of the last user message that has one: later text blocks of that message (a
  // second pasted part, reminders) do not start another turn.
  let last = -1;
  for (const f of flat) if (f.prompt !== null) last = f.message;
  const at = flat.findIndex((f) => f.message === last && f.prompt !== null);
  if (at < 0) return null;
  const toolResults = flat.slice(at + 1).filter((f) => f.block.type === 'tool_result').length;
  return { prompt: flat[at]!.prompt ?? '', toolResults };
}

function lastUserText(messages: ApiMessage[]): string {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return last
    ? blocksOf(last)
        .map((b) => blockText(b) ?? '')
        .join('\n')
    : '';
}

function isCompaction(messages: ApiMessage[]): boolean {
  const t = lastUserText(messages);
  return COMPACTION_MARKERS.some((m) => t.includes(m));
}

function stepsFor(script: ClaudeScript, prompt: string): { key: string; steps: ClaudeStep[] } | null {
  // Own keys only: a prompt such as "constructor" must not find Object.prototype members.
  if (Object.hasOwn(script, prompt)) return { key: prompt, steps: script[prompt]! };
  // Longest matching `<…` prefix key, so a more specific key wins.
  const prefixKey = Object.keys(script)
    .filter((k) => k.startsWith('<') && prompt.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];
  return prefixKey !== undefined ? { key: prefixKey, steps: script[prefixKey]! } : null;
}

function countToolUses(step: ClaudeStep): number {
  return step.filter((b) => b.type === 'tool_use').length;
}

/** Index of the step to play after `toolResults` results, or -1 when the script is exhausted. */
function stepIndex(steps: ClaudeStep[], toolResults: number): number {
  let consumed = 0;
  for (let s = 0; s < steps.length; s++) {
    if (consumed >= toolResults) return s;
    consumed += countToolUses(steps[s]!);
  }
  return -1;
}

interface Choice {
  answered: Answered;
  blocks: ClaudeStep;
  prompt: string | null;
  toolResults: number;
}

function choose(script: ClaudeScript, messages: ApiMessage[], summary: string): Choice {
  if (isCompaction(messages)) {
    return {
      answered: { kind: 'compaction' },
      blocks: [text(`<analysis>Mock analysis of the conversation.</analysis>\n<summary>${summary}</summary>`)],
      prompt: null,
      toolResults: 0,
    };
  }
  const turn = latestTurn(messages);
  const found = turn ? stepsFor(script, turn.prompt) : null;
  const idx = turn && found ? stepIndex(found.steps, turn.toolResults) : -1;
  if (turn && found && idx >= 0) {
    return {
      answered: { kind: 'step', prompt: found.key, step: idx },
      blocks: found.steps[idx]!,
      prompt: turn.prompt,
      toolResults: turn.toolResults,
    };
  }
  const step = turn && found ? found.steps.length : 0;
  return {
    answered: { kind: 'unscripted', prompt: turn?.prompt ?? null, step },
    blocks: [text('mock: no scripted step')],
    prompt: turn?.prompt ?? null,
    toolResults: turn?.toolResults ?? 0,
  };
}

// --- responses -------------------------------------------------------------------------------

/** Two or more pieces, so the client really has to concatenate deltas. */
function fragments(s: string): string[] {
  if (s.length < 2) return [s, ''];
  const cut = Math.ceil(s.length / 2);
  return [s.slice(0, cut), s.slice(cut)];
}

function sse(res: ServerResponse, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

function streamBlock(res: ServerResponse, index: number, block: ClaudeBlock): void {
  if (block.type === 'text') {
    sse(res, 'content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const piece of fragments(block.text))
      sse(res, 'content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
  } else if (block.type === 'thinking') {
    sse(res, 'content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const piece of fragments(block.thinking))
      sse(res, 'content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } });
    sse(res, 'content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } });
  } else {
    sse(res, 'content_block_start', {
      index,
      content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
    });
    for (const piece of fragments(JSON.stringify(block.input)))
      sse(res, 'content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
  }
  sse(res, 'content_block_stop', { index });
}

interface Reply {
  id: string;
  requestId: string;
  model: string;
  blocks: ClaudeStep;
  inputTokens: number;
}

function usageOf(reply: Reply): {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
} {
  const outputTokens = Math.max(1, Math.ceil(JSON.stringify(reply.blocks).length / 4));
  return {
    input_tokens: reply.inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

function stopReasonOf(blocks: ClaudeStep): 'tool_use' | 'end_turn' {
  return blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
}

function streamReply(res: ServerResponse, reply: Reply): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': reply.requestId,
  });
  const usage = usageOf(reply);
  sse(res, 'message_start', {
    message: {
      id: reply.id,
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  for (const [index, block] of reply.blocks.entries()) streamBlock(res, index, block);
  sse(res, 'message_delta', {
    delta: { stop_reason: stopReasonOf(reply.blocks), stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  sse(res, 'message_stop', {});
  res.end();
}

function jsonReply(res: ServerResponse, reply: Reply): void {
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': reply.requestId });
  res.end(
    JSON.stringify({
      id: reply.id,
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content: reply.blocks,
      stop_reason: stopReasonOf(reply.blocks),
      stop_sequence: null,
      usage: usageOf(reply),
    }),
  );
}

function notFound(res: ServerResponse, method: string, path: string): void {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      type: 'error',
      error: { type: 'not_found_error', message: `mock: no route for ${method} ${path}` },
    }),
  );
}

// --- server ----------------------------------------------------------------------------------

interface ParsedBody {
  model?: unknown;
  stream?: unknown;
  messages?: unknown;
  tools?: unknown;
}

function parseBody(buf: Buffer): ParsedBody {
  try {
    const value: unknown = JSON.parse(buf.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as ParsedBody) : {};
  } catch {
    // Not JSON: answered as an empty request (no prompt, so "mock: no scripted step").
    return {};
  }
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * A client retry re-sends the same request and gets the same step again; tool_use ids must still be
 * unique within a conversation, so an id already sent is replaced by a fresh one.
 */
function withUniqueIds(blocks: ClaudeStep, sent: Set<string>): ClaudeStep {
  return blocks.map((b) => {
    if (b.type !== 'tool_use') return b;
    const id = sent.has(b.id) ? freshId('toolu') : b.id;
    sent.add(id);
    return { ...b, id };
  });
}

export async function startMockMessages(
  script: ClaudeScript,
  options: MockMessagesOptions = {},
): Promise<MockMessagesServer> {
  const requests: RecordedRequest[] = [];
  const sentToolIds = new Set<string>();
  const summary = options.summary ?? 'The user asked for scripted changes; they were made and committed.';
  let seq = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const fullPath = req.url ?? '/';
    const path = fullPath.split('?')[0] ?? '/';
    const body = parseBody(await readBody(req));
    const record: RecordedRequest = {
      method,
      path: fullPath,
      headers: {
        userAgent: headerString(req.headers['user-agent']),
        xApp: headerString(req.headers['x-app']),
        anthropicBeta: headerString(req.headers['anthropic-beta']),
        hasApiKey: req.headers['x-api-key'] !== undefined || req.headers['authorization'] !== undefined,
      },
      body: null,
      answered: { kind: 'not-found' },
      stopReason: null,
    };
    if (options.keepBodies) record.raw = body;
    requests.push(record);
    if (method !== 'POST' || path !== '/v1/messages') return notFound(res, method, path);

    const messages = Array.isArray(body.messages) ? (body.messages as ApiMessage[]) : [];
    const choice = choose(script, messages, summary);
    const blocks = withUniqueIds(choice.blocks, sentToolIds);
    record.answered = choice.answered;
    record.stopReason = stopReasonOf(blocks);
    record.body = {
      model: typeof body.model === 'string' ? body.model : undefined,
      stream: typeof body.stream === 'boolean' ? body.stream : undefined,
      messages: messages.length,
      tools: Array.isArray(body.tools) ? body.tools.length : 0,
      prompt: choice.prompt,
      toolResults: choice.toolResults,
    };
    seq += 1;
    const reply: Reply = {
      id: `msg_mock${String(seq).padStart(4, '0')}${randomBytes(6).toString('hex')}`,
      requestId: `req_mock${String(seq).padStart(4, '0')}${randomBytes(6).toString('hex')}`,
      model: typeof body.model === 'string' ? body.model : 'claude-sonnet-4-5',
      blocks,
      inputTokens: Math.max(1, Math.ceil(JSON.stringify(messages).length / 4)),
    };
    // The SDK streams unless told otherwise; only an explicit `stream: false` wants one JSON body.
    if (body.stream === false) jsonReply(res, reply);
    else streamReply(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `mock: ${String(err)}` } }));
    });
  });
  const { url, close } = await listenLoopback(server);
  return { url, requests, close };
}
