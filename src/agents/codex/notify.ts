import { isAbsolute } from 'node:path';
import type { Routed } from '../agent.js';
import type { HookJob, HookPayload } from '../../hooks/payload.js';
import { JsonObject, MAX_PAYLOAD_BYTES } from '../../hooks/inbox.js';
import { isSafeId } from '../../ids.js';
import { latestRollout } from './latest-rollout.js';
import { codexHome } from './paths.js';
import { findRollout } from './rollouts.js';

/**
 * Codex's notify argument, in the envelope codex-notify.sh writes: the folder Codex ran in, its
 * CODEX_HOME (empty when unset) and the JSON, NUL-separated. Notify names the thread, not its
 * rollout: the worker looks the rollout up. Codex before 0.100 names no thread either: the turn
 * that just ended is then in the rollout written last.
 */
export function routeNotify(
  bytes: Buffer,
  at: { receivedAt: string; mtimeMs: number; env: NodeJS.ProcessEnv },
): Routed {
  if (bytes.length > MAX_PAYLOAD_BYTES)
    return { drop: `payload over the size cap (${MAX_PAYLOAD_BYTES} bytes); ignored`, level: 'warn' };
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
  if (n.data.type !== 'agent-turn-complete')
    return { drop: 'notify payload ignored: not agent-turn-complete', level: 'info' };
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const turn = {
    codexHome: isAbsolute(home) ? home : codexHome(at.env),
    // Old payloads have no cwd; notify runs in Codex's own working folder.
    cwd: typeof n.data.cwd === 'string' && isAbsolute(n.data.cwd) ? n.data.cwd : cwd,
    turnId: text(n.data['turn-id']),
    lastMessage: text(n.data['last-assistant-message']),
  };
  const thread = n.data['thread-id'];
  if (thread === undefined) {
    const latest = latestRollout(turn.codexHome, at.mtimeMs);
    if (latest) return { job: notifyJob(latest.threadId, latest.path, turn, at.receivedAt) };
    return {
      drop: 'notify payload ignored: no thread-id and no rollout written in the last two minutes',
      level: 'info',
    };
  }
  if (typeof thread !== 'string' || !isSafeId(thread))
    return { drop: 'notify payload ignored: unsafe thread-id', level: 'warn' };
  return { job: notifyJob(thread, undefined, turn, at.receivedAt) };
}

function notifyJob(
  threadId: string,
  transcriptPath: string | undefined,
  n: { codexHome: string; cwd: string; turnId?: string | undefined; lastMessage?: string | undefined },
  receivedAt: string,
): HookJob {
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

/** Notify names only the thread: its rollout is looked up in the $CODEX_HOME it ran with. */
export function notifyRollout(payloads: HookPayload[]): string | undefined {
  const home = payloads.find((p) => p.codex_home)?.codex_home;
  if (home === undefined) return undefined;
  return findRollout(home, payloads[0]?.session_id ?? '')?.path;
}
