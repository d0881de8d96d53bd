import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { AgentId } from '../agents/ids.js';
import type { Routed } from '../agents/agent.js';
import { isSafeId } from '../ids.js';
import type { HookPayload } from './payload.js';

/**
 * What the sh hooks (hooks/*.sh) leave in `$SHIPLOG_HOME/inbox/<id>.<kind>`, and the job each
 * becomes. The hooks copy bytes and check nothing, so everything is checked here: a payload that
 * cannot become a job is dropped with the reason for the log, as the node hook used to do.
 */

/** The cap the hooks read up to (plus one byte, so an oversized payload is seen as one). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * `<id>.<kind>`: the name a hook gives a payload, the id being digits and dashes only, the kind
 * an agent's id or another kind of its (src/agents/registry.ts inboxKind says whose).
 */
export function inboxName(name: string): { id: string; kind: string } | null {
  const m = /^(\d+(?:-\d+)?)\.([a-z][a-z0-9-]{0,39})$/.exec(name);
  return m ? { id: m[1] as string, kind: m[2] as string } : null;
}

/** Any JSON object: the fields a job needs are checked here, the rest by the worker. */
export const JsonObject = z.record(z.string(), z.unknown()).refine((v) => !Array.isArray(v));

/**
 * The job a hook's JSON payload becomes, for an agent whose hook is registered for `events`.
 * `receivedAt` is when the hook wrote it.
 */
export function parseHookPayload(agent: AgentId, events: readonly string[], bytes: Buffer, receivedAt: string): Routed {
  if (bytes.length > MAX_PAYLOAD_BYTES)
    return { drop: `payload over the size cap (${MAX_PAYLOAD_BYTES} bytes); ignored`, level: 'warn' };
  const text = bytes.toString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    // The hook keeps what arrived before its one-second limit: a client that held stdin open,
    // or one that was killed while writing.
    return {
      drop:
        text.trim() === ''
          ? 'hook stdin was empty; ignored'
          : 'hook stdin is not a complete JSON payload (not JSON, or stdin held open); ignored',
      level: 'warn',
    };
  }
  const p = JsonObject.safeParse(payload);
  if (!p.success) return { drop: 'hook payload rejected: payload is not a JSON object', level: 'warn' };
  const event = typeof p.data.hook_event_name === 'string' ? p.data.hook_event_name.slice(0, 40) : undefined;
  // Codex gives `transcript_path: null` for --ephemeral sessions: nothing to record, not a fault.
  if (p.data.transcript_path === null)
    return { drop: 'no transcript (ephemeral session); nothing to record', level: 'info', ...(event && { event }) };
  const problem = payloadProblem(p.data, events);
  if (problem) return { drop: `hook payload rejected: ${problem}`, level: 'warn', ...(event && { event }) };
  return { job: { v: 1, agent, received_at: receivedAt, payload: p.data as HookPayload } };
}

function payloadProblem(p: Record<string, unknown>, events: readonly string[]): string | null {
  if (typeof p.session_id !== 'string' || !isSafeId(p.session_id)) return 'missing or unsafe session_id';
  if (typeof p.transcript_path !== 'string' || !isAbsolute(p.transcript_path))
    return 'missing or relative transcript_path';
  if (typeof p.hook_event_name !== 'string' || !events.includes(p.hook_event_name)) return 'unexpected hook_event_name';
  return null;
}
