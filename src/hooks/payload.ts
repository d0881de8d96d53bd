import { z } from 'zod';

/**
 * What the hook entrypoints spool for the worker. The hook itself only does the checks a plain
 * script can do cheaply; the worker validates the whole job here before acting on it.
 */
export const ClaudeHookPayload = z
  .object({
    session_id: z.string().min(1),
    /** Absent for Codex `notify` jobs: notify names the thread, not its rollout. */
    transcript_path: z.string().min(1).optional(),
    cwd: z.string().optional(),
    hook_event_name: z.enum(['Stop', 'SubagentStop', 'SessionEnd', 'Notify']),
    turn_id: z.string().optional(),
    /** Codex notify: the $CODEX_HOME it ran with, where the thread's rollout is looked up. */
    codex_home: z.string().optional(),
    last_assistant_message: z.string().optional(),
    reason: z.string().optional(),
    agent_transcript_path: z.string().optional(),
  })
  .loose();
export type ClaudeHookPayload = z.infer<typeof ClaudeHookPayload>;

export const HookJob = z.object({
  v: z.literal(1),
  agent: z.enum(['claude-code', 'codex']),
  received_at: z.string(),
  payload: ClaudeHookPayload,
});
export type HookJob = z.infer<typeof HookJob>;
