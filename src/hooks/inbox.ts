import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { isSafeId } from '../ids.js';
import type { HookJob } from './payload.js';

/**
 * What the sh hooks (hooks/*.sh) leave in `$SHIPLOG_HOME/inbox/<id>.<kind>`, and the job each
 * becomes. The hooks copy bytes and check nothing, so everything is checked here: a payload that
 * cannot become a job is dropped with the reason for the log, as the node hook used to do.
 */

/** The cap the hooks read up to (plus one byte, so an oversized payload is seen as one). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export const INBOX_KINDS = ['claude-code', 'codex', 'codex-notify'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

const HOOK_EVENTS: Record<'claude-code' | 'codex', readonly string[]> = {
  'claude-code': ['Stop', 'SubagentStop', 'SessionEnd'],
  codex: ['Stop', 'SessionEnd'],
};

/** pino levels: info for what is normal (an ephemeral session), warn for what is not. */
export type Dropped = { drop: string; level: 'info' | 'warn'; event?: string };
/** A notify payload that names no thread: the router finds the rollout Codex wrote last. */
export type NeedsRollout = { needsRollout: { codexHome: string; cwd: string; turnId?: string; lastMessage?: string } };
export type Parsed = { job: HookJob } | Dropped | NeedsRollout;

/** `<id>.<kind>`: the name a hook gives a payload, the id being digits and dashes only. */
export function inboxName(name: string): { id: string; kind: InboxKind } | null {
  const m = /^(\d+(?:-\d+)?)\.(claude-code|codex|codex-notify)$/.exec(name);
  return m ? { id: m[1] as string, kind: m[2] as InboxKind } : null;
}

/**
 * The job one inbox file becomes. `receivedAt` is when the hook wrote it; `codexHomeDefault` is
 * where Codex keeps its files when the notify envelope names no CODEX_HOME.
 */
export function parseInbox(kind: InboxKind, bytes: Buffer, receivedAt: string, codexHomeDefault: string): Parsed {
  if (bytes.length > MAX_PAYLOAD_BYTES) return { drop: `payload over the size cap (${MAX_PAYLOAD_BYTES} bytes); ignored`, level: 'warn' };
  if (kind === 'codex-notify') return parseNotify(bytes, receivedAt, codexHomeDefault);
  const text = bytes.toString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    // The hook keeps what arrived before its one-second limit: a client that held stdin open,
    // or one that was killed while writing.
    return { drop: text.trim() === '' ? 'hook stdin was empty; ignored' : 'hook stdin is not a complete JSON payload (not JSON, or stdin held open); ignored', level: 'warn' };
  }
  const p = JsonObject.safeParse(payload);
  if (!p.success) return { drop: 'hook payload rejected: payload is not a JSON object', level: 'warn' };
  const event = typeof p.data.hook_event_name === 'string' ? p.data.hook_event_name.slice(0, 40) : undefined;
  // Codex gives `transcript_path: null` for --ephemeral sessions: nothing to record, not a fault.
  if (p.data.transcript_path === null) return { drop: 'no transcript (ephemeral session); nothing to record', level: 'info', ...(event && { event }) };
  const problem = payloadProblem(p.data, HOOK_EVENTS[kind]);
  if (problem) return { drop: `hook payload rejected: ${problem}`, level: 'warn', ...(event && { event }) };
  return { job: { v: 1, agent: kind, received_at: receivedAt, payload: p.data as HookJob['payload'] } };
}

/** Any JSON object: the fields a job needs are checked here, the rest by the worker. */
const JsonObject = z.record(z.string(), z.unknown()).refine((v) => !Array.isArray(v));

function payloadProblem(p: Record<string, unknown>, events: readonly string[]): string | null {
  if (typeof p.session_id !== 'string' || !isSafeId(p.session_id)) return 'missing or unsafe session_id';
  if (typeof p.transcript_path !== 'string' || !isAbsolute(p.transcript_path)) return 'missing or relative transcript_path';
  if (typeof p.hook_event_name !== 'string' || !events.includes(p.hook_event_name)) return 'unexpected hook_event_name';
  return null;
}

/**
 * Codex's notify argument, in the envelope codex-notify.sh writes: the folder Codex ran in, its
 * CODEX_HOME (empty when unset) and the JSON, NUL-separated. Notify names the thread, not its
 * rollout: the worker looks the rollout up. Codex before 0.100 names no thread either.
 */
function parseNotify(bytes: Buffer, receivedAt: string, codexHomeDefault: string): Parsed {
  const parts = bytes.toString('utf8').split('\0');
  if (parts.length !== 3) return { drop: 'notify payload ignored: not what codex-notify.sh writes', level: 'warn' };
  const [cwd = '', home = '', json = ''] = parts;
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return { drop: 'notify argument is not JSON; ignored', level: 'warn' };
  }
  const n = JsonObject.safeParse(payload);
  if (!n.success) return { drop: 'notify payload ignored: not a JSON object', level: 'warn' };
  if (n.data.type !== 'agent-turn-complete') return { drop: 'notify payload ignored: not agent-turn-complete', level: 'info' };
  const codexHome = isAbsolute(home) ? home : codexHomeDefault;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const turnId = text(n.data['turn-id']);
  const lastMessage = text(n.data['last-assistant-message']);
  // Old payloads have no cwd; notify runs in Codex's own working folder.
  const where = typeof n.data.cwd === 'string' && isAbsolute(n.data.cwd) ? n.data.cwd : cwd;
  const thread = n.data['thread-id'];
  if (thread === undefined) return { needsRollout: { codexHome, cwd: where, ...(turnId && { turnId }), ...(lastMessage && { lastMessage }) } };
  if (typeof thread !== 'string' || !isSafeId(thread)) return { drop: 'notify payload ignored: unsafe thread-id', level: 'warn' };
  return { job: notifyJob(thread, undefined, { codexHome, cwd: where, turnId, lastMessage }, receivedAt) };
}

export function notifyJob(threadId: string, transcriptPath: string | undefined, n: { codexHome: string; cwd: string; turnId?: string | undefined; lastMessage?: string | undefined }, receivedAt: string): HookJob {
  return {
    v: 1,
    agent: 'codex',
    received_at: receivedAt,
    payload: {
      hook_event_name: 'Notify',
      session_id: threadId,
      ...(transcriptPath && { transcript_path: transcriptPath }),
      ...(n.turnId && { turn_id: n.turnId }),
      ...(n.cwd !== '' && { cwd: n.cwd }),
      ...(n.lastMessage && { last_assistant_message: n.lastMessage }),
      codex_home: n.codexHome,
    },
  };
}
