import { z } from 'zod';
import type { Adapter, LineContext, ParseResult } from '../../adapters/adapter.js';
import { stripClosedBlocks } from '../../adapters/common/bounded-state.js';
import { clipEnd } from '../../adapters/common/clip.js';
import { parseJsonLine, skipped, withoutUndefined } from '../../adapters/common/events.js';
import { MAX_NAME_CHARS } from '../../adapters/common/limits.js';
import { projectRoot } from '../../adapters/common/paths.js';
import type { AgentEvent } from '../../events.js';
import { contentText, Message, Metadata, ToolCall } from './records.js';
import { toolEvents } from './tools.js';
import { isRecord } from '../../kit/plain-object.js';

/**
 * Gemini CLI session records in, common events out (records: ./records.ts). A message appended
 * again after a change gives the same ids (its prompt, reply, calls and results), which the
 * reducers after the adapter fold in once (src/seen-ring.ts), so the state here stays empty.
 */

const geminiStateSchema = z.object({});
export type GeminiState = z.infer<typeof geminiStateSchema>;

/** Blocks the CLI puts into a user message (docs/gemini-cli.md). */
const INJECTED = ['session_context', 'hook_context'] as const;

function parseRecord(state: GeminiState, value: unknown, ctx: LineContext | undefined): ParseResult<GeminiState> {
  if (!isRecord(value)) return { state, events: [skipped('not-an-object')] };
  // Log operations (`$set` of the metadata or of the rebuilt history, `$rewindTo`): not conversation.
  if (Object.keys(value).some((k) => k.startsWith('$'))) return { state, events: [] };
  if (!('type' in value)) {
    const meta = Metadata.safeParse(value);
    if (!meta.success) return { state, events: [skipped('bad-shape:metadata')] };
    return {
      state,
      events: [withoutUndefined({ kind: 'session' as const, at: meta.data.startTime, sessionId: meta.data.sessionId })],
    };
  }
  const msg = Message.safeParse(value);
  if (!msg.success)
    return {
      state,
      events: [
        skipped(`bad-shape:${typeof value.type === 'string' ? clipEnd(value.type, MAX_NAME_CHARS) : 'message'}`),
      ],
    };
  const m = msg.data;
  const at = m.timestamp;
  const events: AgentEvent[] = [];
  if (m.type === 'user') {
    // What the user typed: `displayContent` when the CLI expanded it (an @file) for the model.
    // The CLI's own context and a hook's additional context are not what anyone typed, wherever
    // a release writes them (0.61 puts the session context in a `$set`).
    const text = INJECTED.reduce(
      (t, tag) => stripClosedBlocks(t, tag),
      contentText(m.displayContent ?? m.content),
    ).trim();
    if (text !== '') events.push(withoutUndefined({ kind: 'prompt' as const, at, text, id: m.id }));
  } else if (m.type === 'gemini') {
    const text = contentText(m.content).trim();
    if (text !== '') events.push(withoutUndefined({ kind: 'reply' as const, at, text, messageId: m.id, partId: m.id }));
    const base = { cwd: undefined, root: projectRoot(undefined, ctx?.repoRoot) };
    for (const raw of m.toolCalls ?? []) {
      const call = ToolCall.safeParse(raw);
      if (call.success) events.push(...toolEvents(call.data, m.id, at, base));
      else events.push(skipped('bad-shape:tool-call'));
    }
  }
  // `info`, `warning` and `error` messages are the CLI's own notices, not conversation.
  return { state, events };
}

function parseLine(state: GeminiState, line: string, ctx?: LineContext): ParseResult<GeminiState> {
  return parseJsonLine(state, line, ctx, parseRecord);
}

export const geminiAdapter: Adapter<GeminiState> = {
  name: 'gemini',
  stateSchema: geminiStateSchema,
  initialState: () => ({}),
  parseLine,
};
