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

export function tail(text: string, max = 2000): string | null {
  const t = text.trim();
  return t === '' ? null : t.slice(-max);
}
