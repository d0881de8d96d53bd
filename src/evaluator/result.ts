import type { EvalFailureKind } from './classify.js';
import type { LlmFields } from './fields.js';

/** One evaluator call's outcome. */
export type EvalResult =
  | { ok: true; fields: LlmFields }
  | { ok: false; kind: EvalFailureKind; message: string; stderrTail: string | null };

export interface EvaluatorSettings {
  model: string | undefined;
  claudeThinkingTokens: number | undefined;
  codexConfig: string[];
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
}

/**
 * The end of what a CLI printed, kept wide: the caller redacts it and only then cuts it to
 * STDERR_TAIL_CHARS, so a secret cut at the edge is still recognised whole.
 */
export function tail(text: string, max = 64 * 1024): string | null {
  const t = text.trim();
  return t === '' ? null : t.slice(-max);
}

/**
 * The environment of the agent session whose hook started the worker, minus what ties a process
 * to that session (Claude Code gives its hooks the session id, its pid and a messaging socket):
 * the evaluator is a separate, throwaway run, not a child of the user's session.
 */
const SESSION_BOUND =
  /^(CLAUDECODE|CLAUDE_PID|CLAUDE_PROJECT_DIR|CLAUDE_ENV_FILE|CLAUDE_CODE_(CHILD_SESSION|ENTRYPOINT|SESSION_ID|SESSION_ATTENDED|CHILD_NOTES_DIR|MESSAGING_SOCKET|MESSAGING_TOKEN|SSE_PORT))$/;

export function detachedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !SESSION_BOUND.test(k)));
}

/** What a failure record keeps of a CLI's output. */
export const STDERR_TAIL_CHARS = 2000;
