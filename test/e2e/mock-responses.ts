// A loopback mock of the OpenAI Responses API (`POST {base_url}/responses`, streaming SSE) that plays a
// scripted conversation, so the real Codex CLI can run fully offline (see shared reference codex.md §13).
//
// Script = turns; turn = steps; step = the output items of one model response. The mock picks:
//   - the turn by counting the real user prompts in the request `input` (user messages that are not
//     injected context such as `<environment_context>` or `# AGENTS.md instructions`);
//   - the step by counting tool outputs (`function_call_output` / `custom_tool_call_output`) after the
//     last user message (a step with N tool calls consumes N outputs).
// Title-generation requests (last user text starts "Generate a concise, single-line task title") get a
// plain message. Only node built-ins; listens on 127.0.0.1 with a random port.
import { listenLoopback, readBody } from './loopback.js';
import { createServer, type ServerResponse } from 'node:http';

export type MockItem = Record<string, unknown> & { type: string };
type MockStep = MockItem[];
type MockTurn = MockStep[];
export type MockScript = MockTurn[];

export interface MockOptions {
  /** Text returned for title-generation requests. */
  title?: string;
}

export interface MockRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Which scripted step answered it (`title` for title generation, `null` when nothing matched). */
  answered: { turn: number; step: number } | 'title' | null;
}

export interface MockServer {
  url: string;
  requests: MockRequest[];
  close(): Promise<void>;
}

const TITLE_PREFIX = 'Generate a concise, single-line task title';

// --- item builders ---------------------------------------------------------------------------

/** Unified-exec command (`exec_command`, classic tools of gpt-5.x). */
export function execCommand(cmd: string, extra: Record<string, unknown> = {}): MockItem {
  return {
    type: 'function_call',
    name: 'exec_command',
    arguments: JSON.stringify({ cmd, yield_time_ms: 5000, ...extra }),
  };
}

/** Freeform `apply_patch` custom tool. */
export function applyPatch(patch: string): MockItem {
  return { type: 'custom_tool_call', name: 'apply_patch', input: patch };
}

/** Code-mode `exec` custom tool (JavaScript source). */
export function codeModeExec(js: string): MockItem {
  return { type: 'custom_tool_call', name: 'exec', input: js };
}

/** Old `shell` function tool with an argv array (Codex ≤ 0.4x). */
export function shell(command: string[], extra: Record<string, unknown> = {}): MockItem {
  return { type: 'function_call', name: 'shell', arguments: JSON.stringify({ command, ...extra }) };
}

/** Assistant message. */
export function message(text: string): MockItem {
  return { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] };
}

// --- request analysis ------------------------------------------------------------------------

type InputItem = Record<string, unknown>;

function textOf(item: InputItem): string {
  const content = item['content'];
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((c) =>
      c && typeof c === 'object' && typeof (c as { text?: unknown }).text === 'string'
        ? (c as { text: string }).text
        : '',
    )
    .join('');
}

function isUserMessage(item: InputItem): boolean {
  return item['role'] === 'user' && (item['type'] === 'message' || item['type'] === undefined);
}

/** Injected context (environment, AGENTS.md, permissions, skills…) rather than a typed prompt. */
function isInjectedContext(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('<') || t.startsWith('# AGENTS.md instructions');
}

function isToolOutput(item: InputItem): boolean {
  return item['type'] === 'function_call_output' || item['type'] === 'custom_tool_call_output';
}

function countToolCalls(step: MockStep): number {
  return step.filter(
    (i) => i.type === 'function_call' || i.type === 'custom_tool_call' || i.type === 'local_shell_call',
  ).length;
}

interface Pick {
  kind: 'step' | 'title' | 'none';
  turn: number;
  step: number;
}

function pick(script: MockScript, input: InputItem[]): Pick {
  const users = input.map((item, idx) => ({ item, idx })).filter(({ item }) => isUserMessage(item));
  const lastUser = users[users.length - 1];
  if (lastUser && textOf(lastUser.item).trimStart().startsWith(TITLE_PREFIX))
    return { kind: 'title', turn: -1, step: -1 };
  const prompts = users.filter(({ item }) => !isInjectedContext(textOf(item)));
  const turnIdx = prompts.length - 1;
  const turn = script[turnIdx];
  if (!turn || turnIdx < 0) return { kind: 'none', turn: turnIdx, step: -1 };
  const since = lastUser ? lastUser.idx + 1 : 0;
  const outputs = input.slice(since).filter(isToolOutput).length;
  let consumed = 0;
  for (let s = 0; s < turn.length; s++) {
    if (consumed >= outputs) return { kind: 'step', turn: turnIdx, step: s };
    consumed += countToolCalls(turn[s]!);
  }
  return { kind: 'none', turn: turnIdx, step: turn.length };
}

// --- SSE -------------------------------------------------------------------------------------

type IdGen = (prefix: string) => string;

function completeItem(item: MockItem, nextId: IdGen): MockItem {
  const out: MockItem = { ...item };
  if (out.type === 'function_call') {
    out['id'] ??= nextId('fc');
    out['call_id'] ??= nextId(`call_${String(out['name'] ?? 'fn')}`);
    out['status'] ??= 'completed';
  } else if (out.type === 'custom_tool_call') {
    out['id'] ??= nextId('ctc');
    out['call_id'] ??= nextId(`call_${String(out['name'] ?? 'custom')}`);
    out['status'] ??= 'completed';
  } else if (out.type === 'message') {
    out['id'] ??= nextId('msg');
    out['role'] ??= 'assistant';
    out['status'] ??= 'completed';
  } else {
    out['id'] ??= nextId('item');
  }
  return out;
}

function sse(res: ServerResponse, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

function streamResponse(res: ServerResponse, items: MockItem[], inputChars: number, nextId: IdGen): void {
  const responseId = nextId('resp');
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  sse(res, 'response.created', { response: { id: responseId, object: 'response', status: 'in_progress', output: [] } });
  let outputChars = 0;
  items.forEach((raw, outputIndex) => {
    const item = completeItem(raw, nextId);
    outputChars += JSON.stringify(item).length;
    if (item.type === 'message') {
      const parts = Array.isArray(item['content']) ? (item['content'] as Array<{ text?: string }>) : [];
      sse(res, 'response.output_item.added', {
        output_index: outputIndex,
        item: { ...item, content: [], status: 'in_progress' },
      });
      parts.forEach((part, contentIndex) => {
        if (typeof part.text === 'string' && part.text.length > 0) {
          sse(res, 'response.output_text.delta', {
            item_id: item['id'],
            output_index: outputIndex,
            content_index: contentIndex,
            delta: part.text,
          });
        }
      });
    } else {
      sse(res, 'response.output_item.added', { output_index: outputIndex, item });
    }
    sse(res, 'response.output_item.done', { output_index: outputIndex, item });
  });
  const inputTokens = Math.max(1, Math.ceil(inputChars / 4));
  const outputTokens = Math.max(1, Math.ceil(outputChars / 4));
  sse(res, 'response.completed', {
    response: {
      id: responseId,
      object: 'response',
      status: 'completed',
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + outputTokens,
      },
    },
  });
  res.end();
}

// --- server ----------------------------------------------------------------------------------

export async function startMockResponses(script: MockScript, options: MockOptions = {}): Promise<MockServer> {
  const requests: MockRequest[] = [];
  let seq = 0; // per server, so ids only depend on the script
  const nextId: IdGen = (prefix) => `${prefix}_${++seq}`;

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const method = req.method ?? 'GET';
      let body: unknown = null;
      try {
        const buf = await readBody(req);
        const text = buf.toString('utf8');
        body = text.length > 0 ? JSON.parse(text) : null;
      } catch (err) {
        body = { unparsable: String(err) };
      }
      const record: MockRequest = { method, path, headers: req.headers, body, answered: null };
      requests.push(record);

      if (method === 'GET' && path.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [], models: [] }));
        return;
      }
      if (method !== 'POST' || !path.endsWith('/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `mock: no route for ${method} ${path}`, type: 'not_found' } }));
        return;
      }
      const input = Array.isArray((body as { input?: unknown } | null)?.input)
        ? (body as { input: InputItem[] }).input
        : [];
      const choice = pick(script, input);
      const inputChars = JSON.stringify(input).length;
      if (choice.kind === 'title') {
        record.answered = 'title';
        streamResponse(res, [message(options.title ?? 'Scripted mock task')], inputChars, nextId);
      } else if (choice.kind === 'step') {
        record.answered = { turn: choice.turn, step: choice.step };
        streamResponse(res, script[choice.turn]![choice.step]!, inputChars, nextId);
      } else {
        // Nothing scripted: end the turn with a visible message rather than hanging the client.
        streamResponse(
          res,
          [message(`mock: no scripted step for turn ${choice.turn} step ${choice.step}`)],
          inputChars,
          nextId,
        );
      }
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err) } }));
    });
  });

  const { url, close } = await listenLoopback(server);
  return { url, requests, close };
}
