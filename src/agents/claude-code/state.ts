/**
 * The Claude Code adapter's state between lines: its zod schema (the pipeline parses saved
 * adapter state with it before resuming a transcript), the empty initial state, the bounded lists
 * that stop it growing with the transcript, and lookups of remembered Task/Agent calls and
 * background agents. State is never mutated: every change returns a new list or object.
 */

import { z } from 'zod';
export { pushBounded } from '../../adapters/common/bounded-state.js';

const AgentCall = z.object({
  /** tool_use id of the Task/Agent call. */
  callId: z.string(),
  agentType: z.string().optional(),
  description: z.string().optional(),
  /** Learned from the result or from 2.1.38/39 `agent_progress` records. */
  agentId: z.string().optional(),
});

const BackgroundAgent = z.object({
  agentId: z.string(),
  agentType: z.string().optional(),
  description: z.string().optional(),
});

export const claudeCodeStateSchema = z.object({
  version: z.literal(1),
  /** Whether a `session` event was emitted, and for which session id ('' = none known). */
  sessionEmitted: z.boolean(),
  sessionId: z.string().optional(),
  /** First cwd seen: the project folder that file paths are made relative to. */
  rootCwd: z.string().optional(),
  /** Ring of user/assistant/system record uuids already processed, oldest first. */
  /** Task/Agent calls, oldest first, so their results can name the subagent type. */
  agentCalls: z.array(AgentCall),
  /** 2.1.330 background agents launched and not necessarily finished, oldest first. */
  backgroundAgents: z.array(BackgroundAgent),
});
export type ClaudeCodeState = z.infer<typeof claudeCodeStateSchema>;
export type AgentCall = z.infer<typeof AgentCall>;
export type BackgroundAgent = z.infer<typeof BackgroundAgent>;

export function initialState(): ClaudeCodeState {
  return {
    version: 1,
    sessionEmitted: false,
    agentCalls: [],
    backgroundAgents: [],
  };
}

export function findAgentCall(state: ClaudeCodeState, callId: string): AgentCall | undefined {
  return state.agentCalls.find((call) => call.callId === callId);
}

export function findBackgroundAgent(state: ClaudeCodeState, agentId: string): BackgroundAgent | undefined {
  return state.backgroundAgents.find((agent) => agent.agentId === agentId);
}
