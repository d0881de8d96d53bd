/**
 * The Codex adapter's state between lines. Small and bounded whatever the rollout: a few scalars
 * and capped lists. Never mutated: every change returns a new object or list.
 */

import { z } from 'zod';
export { pushBounded, textHash } from '../../adapters/common/bounded-state.js';

/** What a tool call was, so its output (which names only the call id) can be read right. */
const Call = z.object({
  id: z.string(),
  kind: z.enum(['exec', 'patch', 'stdin', 'other']),
  /** Events emitted for this call: a patch of n files is n tool_calls (`id`, `id#1`, …). */
  parts: z.number().int().min(1),
  /** For `stdin`: the unified-exec session it polls. */
  target: z.number().int().optional(),
});
export type Call = z.infer<typeof Call>;

export const codexStateSchema = z.object({
  version: z.literal(1),
  format: z.enum(['unknown', 'pre-envelope', 'legacy', 'paginated']),
  sessionEmitted: z.boolean(),
  threadId: z.string().optional(),
  /** The session's cwd from session_meta: paths are shown relative to it. */
  rootCwd: z.string().optional(),
  /** The current turn's cwd (turn_context), where relative patch paths start. */
  cwd: z.string().optional(),
  /** 0.20's header time: its bare records have none of their own, and take this one. */
  headerAt: z.string().optional(),
  /** Counter behind reply message ids, so ids are stable across incremental runs. */
  seq: z.number().int(),
  /** Hashes of prompt texts since the last non-prompt event: one prompt is written 2–3 times. */
  recentPrompts: z.array(z.string()),
  /** Hashes of assistant texts in this turn: agent_message, the assistant item and task_complete repeat each other. */
  recentReplies: z.array(z.string()),
  /** Calls still waiting for their result. */
  calls: z.array(Call),
  /** Ids of calls whose result was emitted: the echoes that follow (exec_command_end, item_completed) add nothing. */
  done: z.array(z.string()),
  /** Unified-exec sessions still running: polled by write_stdin, finished later. */
  running: z.array(z.object({ session: z.number().int(), callId: z.string() })),
});
export type CodexState = z.infer<typeof codexStateSchema>;

export function initialState(): CodexState {
  return {
    version: 1,
    format: 'unknown',
    sessionEmitted: false,
    seq: 0,
    recentPrompts: [],
    recentReplies: [],
    calls: [],
    done: [],
    running: [],
  };
}

/**
 * Calls remembered: those waiting for a result (a handful at a time), and the ids of those done,
 * whose echoes (exec_command_end, item_completed) come within a few dozen records.
 */
export const CALLS_CAP = 256;
