import { z } from 'zod';

/**
 * Every agent shiplog reads, by the name the state database, the job files and the reports use.
 * Kept apart from the registry (./registry.ts) so that schemas can name agents without loading
 * every adapter; the registry's `satisfies Record<AgentId, Agent>` keeps the two in step.
 */
export const AgentId = z.enum(['claude-code', 'codex', 'gemini', 'generic']);
export type AgentId = z.infer<typeof AgentId>;

/** A changelog entry's `tool` field, as ai-code-sessions names them; `unknown` for the generic reader. */
export const ToolName = z.enum(['claude', 'codex', 'gemini', 'unknown']);
export type ToolName = z.infer<typeof ToolName>;

/** The agents' CLIs that can write an entry's summary (`changelog.evaluator`). */
export const EvaluatorName = z.enum(['claude', 'codex']);
export type EvaluatorName = z.infer<typeof EvaluatorName>;
