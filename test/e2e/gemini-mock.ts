// A loopback mock of the Gemini API (generativelanguage `v1beta`) that plays a scripted conversation,
// so the real Gemini CLI (`@google/gemini-cli`) can run fully offline (see docs/gemini-cli.md).
//
// Routes (what the CLI's @google/genai client calls with `GOOGLE_GEMINI_BASE_URL=<mock url>`):
//   POST /v1beta/models/<model>:streamGenerateContent?alt=sse   the main agent loop (scripted)
//   POST /v1beta/models/<model>:generateContent                  utility calls (JSON-schema side calls,
//                                                                 summaries): answered, never scripted
//   POST /v1beta/models/<model>:countTokens                       only for media parts; a char estimate
//   GET  /v1beta/models[/<model>]                                 an empty list / a stub model
//
// Script = turns; turn = steps; step = the parts of one model response (text and/or function calls).
// The mock picks:
//   - the turn by counting the real user prompts in the request `contents` (user contents with a text
//     part and no functionResponse that are not injected context such as `<session_context>`);
//   - the step by counting the `model` contents after the last prompt (every answered step adds one).
// Only streaming requests consume the script: the CLI's side calls (next-speaker check, routing
// classifier, loop detection, edit fixer, session summary) use `generateContent`, so they cannot eat
// a scripted step; they are answered from the JSON schema they send, or with `options.summary`.
// Only node built-ins; listens on 127.0.0.1 with a random port.
import { createServer, type ServerResponse } from 'node:http';
import { listenLoopback, readBody } from './loopback.js';

export type GeminiPart =
  | { text: string; thought?: boolean }
  | { functionCall: { name: string; args: Record<string, unknown>; id?: string } };
/** The parts of one model response. */
type GeminiStep = GeminiPart[];
type GeminiTurn = GeminiStep[];
export type GeminiScript = GeminiTurn[];

export interface GeminiMockOptions {
  /** Text for non-JSON `generateContent` side calls (session summary). */
  summary?: string;
  /** Milliseconds to wait before answering a scripted step (to widen timing windows). */
  delayMs?: number;
}

type Answered = { turn: number; step: number } | { side: string } | 'countTokens' | 'models' | null;

export interface GeminiMockRequest {
  method: string;
  /** Path without the query string, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent`. */
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** `model` and `action` from `/models/<model>:<action>`, when the path has that shape. */
  model: string | null;
  action: string | null;
  /** Which scripted step answered it; `{side}` for a utility call; `null` when nothing matched. */
  answered: Answered;
}

export interface GeminiMockServer {
  url: string;
  requests: GeminiMockRequest[];
  /** Requests of the main loop (streaming), in order. */
  scripted(): GeminiMockRequest[];
  close(): Promise<void>;
}

// --- part builders ---------------------------------------------------------------------------

export function text(t: string): GeminiPart {
  return { text: t };
}

export function thought(t: string): GeminiPart {
  return { text: t, thought: true };
}

export function functionCall(name: string, args: Record<string, unknown>): GeminiPart {
  return { functionCall: { name, args } };
}

/** `write_file` (WriteFileTool): creates or overwrites `file_path` with `content`. */
export function writeFile(file_path: string, content: string): GeminiPart {
  return functionCall('write_file', { file_path, content });
}

/**
 * `replace` (EditTool): replaces `old_string` by `new_string` in `file_path` (exactly one match unless
 * `allow_multiple`). `instruction` is a required parameter in 0.61.0: without it the call fails
 * validation (`params must have required property 'instruction'`).
 */
export function replace(
  file_path: string,
  old_string: string,
  new_string: string,
  instruction = `Replace ${JSON.stringify(old_string)} with ${JSON.stringify(new_string)} in ${file_path}.`,
  extra: Record<string, unknown> = {},
): GeminiPart {
  return functionCall('replace', { file_path, instruction, old_string, new_string, ...extra });
}

/** `run_shell_command` (ShellTool): runs `command` with `bash -c` in the workspace (or `dir_path`). */
export function runShell(command: string, description?: string, extra: Record<string, unknown> = {}): GeminiPart {
  return functionCall('run_shell_command', { command, ...(description ? { description } : {}), ...extra });
}

// --- request analysis ------------------------------------------------------------------------

interface Content {
  role?: string;
  parts?: Array<Record<string, unknown>>;
}

function partsOf(c: Content): Array<Record<string, unknown>> {
  return Array.isArray(c.parts) ? c.parts : [];
}

function textsOf(c: Content): string[] {
  return partsOf(c).flatMap((p) =>
    typeof p['text'] === 'string' && p['thought'] !== true ? [p['text'] as string] : [],
  );
}

/**
 * Context the CLI puts into the history as user text rather than a typed prompt: the
 * `<session_context>` part at the start of a session (on the wire it is the first part of the same
 * user content as the first prompt), and `<hook_context>` from a SessionStart / BeforeAgent hook's
 * additionalContext when it stands alone. "Please continue." from the next-speaker check (off by
 * default) would count as a prompt.
 */
function isInjectedContext(t: string): boolean {
  const s = t.trim();
  if (s.startsWith('<session_context>')) return true;
  if (s.startsWith('<hook_context>') && s.endsWith('</hook_context>')) return true;
  return false;
}

/** A typed prompt: a user content with a text part that is not injected context, and no function response. */
function isPrompt(c: Content): boolean {
  if (c.role !== 'user') return false;
  if (partsOf(c).some((p) => p['functionResponse'] !== undefined)) return false;
  return textsOf(c).some((t) => t.trim().length > 0 && !isInjectedContext(t));
}

interface Pick {
  kind: 'step' | 'none';
  turn: number;
  step: number;
}

function pick(script: GeminiScript, contents: Content[]): Pick {
  const prompts = contents.map((c, idx) => ({ c, idx })).filter(({ c }) => isPrompt(c));
  const turnIdx = prompts.length - 1;
  const last = prompts[prompts.length - 1];
  const turn = script[turnIdx];
  if (!turn || !last) return { kind: 'none', turn: turnIdx, step: -1 };
  const step = contents.slice(last.idx + 1).filter((c) => c.role === 'model').length;
  if (step >= turn.length) return { kind: 'none', turn: turnIdx, step };
  return { kind: 'step', turn: turnIdx, step };
}

// --- side calls ------------------------------------------------------------------------------

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  items?: Schema;
};

/** A value that satisfies `schema`, with sensible choices for the known utility schemas. */
function valueFor(schema: Schema | undefined, key = ''): unknown {
  const type = String(Array.isArray(schema?.type) ? schema?.type[0] : (schema?.type ?? 'object')).toLowerCase();
  if (schema?.enum && schema.enum.length > 0) {
    // next-speaker check: the user speaks next (the turn ends); classifier: the flash model.
    if (key === 'next_speaker') return 'user';
    if (schema.enum.includes('flash')) return 'flash';
    return schema.enum[0];
  }
  switch (type) {
    case 'string':
      return key === 'reasoning' || key === 'explanation' ? 'mock: scripted run, nothing to decide' : 'mock';
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      return 0;
    case 'array':
      return [];
    default: {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(schema?.properties ?? {})) out[k] = valueFor(v, k);
      return out;
    }
  }
}

function sideKind(body: Record<string, unknown>): string {
  const cfg = (body['generationConfig'] ?? {}) as Record<string, unknown>;
  const schema = (cfg['responseJsonSchema'] ?? cfg['responseSchema']) as Schema | undefined;
  if (schema?.properties) return `json:${Object.keys(schema.properties).sort().join(',')}`;
  return 'text';
}

// --- responses -------------------------------------------------------------------------------

function usage(inputChars: number, outputChars: number): Record<string, number> {
  const prompt = Math.max(1, Math.ceil(inputChars / 4));
  const candidates = Math.max(1, Math.ceil(outputChars / 4));
  return { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates };
}

function candidateResponse(
  parts: GeminiPart[],
  model: string,
  inputChars: number,
  responseId: string,
): Record<string, unknown> {
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: usage(inputChars, JSON.stringify(parts).length),
    modelVersion: model,
    responseId,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/** One SSE event per part (text first, as the API streams it), the last one carrying finishReason and usage. */
function streamParts(
  res: ServerResponse,
  parts: GeminiPart[],
  model: string,
  inputChars: number,
  responseId: string,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const chunks = parts.length > 0 ? parts : [{ text: '' }];
  chunks.forEach((part, i) => {
    const last = i === chunks.length - 1;
    const chunk: Record<string, unknown> = {
      candidates: [{ content: { role: 'model', parts: [part] }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
      modelVersion: model,
      responseId,
      ...(last ? { usageMetadata: usage(inputChars, JSON.stringify(parts).length) } : {}),
    };
    res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  });
  res.end();
}

// --- server ----------------------------------------------------------------------------------

const MODEL_ACTION = /\/models\/([^/:]+):([A-Za-z]+)$/;

export async function startGeminiMock(
  script: GeminiScript,
  options: GeminiMockOptions = {},
): Promise<GeminiMockServer> {
  const requests: GeminiMockRequest[] = [];
  let seq = 0;
  const nextId = () => `mock-response-${++seq}`;

  const server = createServer((req, res) => {
    void (async () => {
      const [path = '/', query = ''] = (req.url ?? '/').split('?');
      const method = req.method ?? 'GET';
      let body: unknown = null;
      try {
        const text = (await readBody(req)).toString('utf8');
        body = text.length > 0 ? JSON.parse(text) : null;
      } catch (err) {
        body = { unparsable: String(err) };
      }
      const m = MODEL_ACTION.exec(path);
      const record: GeminiMockRequest = {
        method,
        path,
        query,
        headers: req.headers,
        body,
        model: m?.[1] ?? null,
        action: m?.[2] ?? null,
        answered: null,
      };
      requests.push(record);
      const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      const contents = Array.isArray(b['contents']) ? (b['contents'] as Content[]) : [];
      const inputChars = JSON.stringify(contents).length;
      const model = record.model ?? 'gemini-mock';

      if (method === 'GET' && /\/models(\/[^/]+)?$/.test(path)) {
        record.answered = 'models';
        const one = /\/models\/([^/]+)$/.exec(path);
        if (one) sendJson(res, 200, { name: `models/${one[1]}`, inputTokenLimit: 1_048_576, outputTokenLimit: 65_536 });
        else sendJson(res, 200, { models: [] });
        return;
      }
      if (method !== 'POST' || !m) {
        sendJson(res, 404, {
          error: { code: 404, message: `mock: no route for ${method} ${path}`, status: 'NOT_FOUND' },
        });
        return;
      }
      if (record.action === 'countTokens') {
        record.answered = 'countTokens';
        sendJson(res, 200, { totalTokens: Math.max(1, Math.ceil(inputChars / 4)) });
        return;
      }
      if (record.action === 'generateContent') {
        const kind = sideKind(b);
        record.answered = { side: kind };
        if (kind.startsWith('json:')) {
          const cfg = (b['generationConfig'] ?? {}) as Record<string, unknown>;
          const value = valueFor((cfg['responseJsonSchema'] ?? cfg['responseSchema']) as Schema);
          sendJson(res, 200, candidateResponse([{ text: JSON.stringify(value) }], model, inputChars, nextId()));
        } else {
          sendJson(
            res,
            200,
            candidateResponse([{ text: options.summary ?? 'Scripted mock session' }], model, inputChars, nextId()),
          );
        }
        return;
      }
      if (record.action === 'streamGenerateContent') {
        const choice = pick(script, contents);
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        if (choice.kind === 'step') {
          record.answered = { turn: choice.turn, step: choice.step };
          streamParts(res, script[choice.turn]![choice.step]!, model, inputChars, nextId());
        } else {
          // Nothing scripted: end the turn with a visible message rather than hanging the client.
          streamParts(
            res,
            [{ text: `mock: no scripted step for turn ${choice.turn} step ${choice.step}` }],
            model,
            inputChars,
            nextId(),
          );
        }
        return;
      }
      sendJson(res, 404, { error: { code: 404, message: `mock: no action ${record.action}`, status: 'NOT_FOUND' } });
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 500, message: String(err), status: 'INTERNAL' } }));
    });
  });

  const { url, close } = await listenLoopback(server);
  return {
    url,
    requests,
    scripted: () => requests.filter((r) => r.action === 'streamGenerateContent'),
    close,
  };
}

/** Every scripted step that some request was answered with, as `turn:step`. */
export function answeredSteps(requests: readonly GeminiMockRequest[]): Set<string> {
  return new Set(
    requests.flatMap((r) =>
      r.answered && typeof r.answered === 'object' && 'turn' in r.answered
        ? [`${r.answered.turn}:${r.answered.step}`]
        : [],
    ),
  );
}

export function scriptSize(script: GeminiScript): number {
  return script.reduce((n, turn) => n + turn.length, 0);
}
