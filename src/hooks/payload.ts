import { z } from 'zod';
import { AgentId } from '../agents/ids.js';

/**
 * An optional field the worker can do without: a value of the wrong type (`null`, a number where
 * text belongs…) is treated as absent, so one odd field from a client never drops the whole job.
 */
const optionalText = (schema: z.ZodString = z.string()) => schema.optional().catch(undefined);

/**
 * What the hook entrypoints spool for the worker. The hook itself only does the checks a plain
 * script can do cheaply; the worker validates the whole job here before acting on it. Only the
 * fields a job cannot exist without (session, event) reject it; which events an agent's hook
 * may name is its own (src/agents/<agent>/agent.ts, hooks.events), checked by the router.
 */
export const HookPayload = z
  .object({
    session_id: z.string().min(1),
    /** Absent for Codex `notify` jobs: notify names the thread, not its rollout. */
    transcript_path: optionalText(z.string().min(1)),
    cwd: optionalText(z.string().min(1)),
    hook_event_name: z.string().min(1).max(40),
    turn_id: optionalText(),
    /** Codex notify: the $CODEX_HOME it ran with, where the thread's rollout is looked up. */
    codex_home: optionalText(z.string().min(1)),
    last_assistant_message: optionalText(),
    reason: optionalText(),
    agent_transcript_path: optionalText(z.string().min(1)),
  })
  .loose();
export type HookPayload = z.infer<typeof HookPayload>;

export const HookJob = z.object({
  v: z.literal(1),
  agent: AgentId,
  received_at: z.string(),
  payload: HookPayload,
});
export type HookJob = z.infer<typeof HookJob>;
