import type { Config } from '../config/config.js';
import type { LlmEvaluatorName } from './backoff.js';
import { agentList } from '../agents/registry.js';
import type { Digests } from './digest.js';
import { evaluatorPrompt } from './prompt.js';
import type { EvalResult, EvaluatorSettings } from './result.js';

/**
 * One window through an LLM evaluator: the full digest first and, after a context overflow or a
 * timeout, once more with the smaller budget digest. Other failures are final for this attempt.
 */
export interface Evaluation {
  result: EvalResult;
  /** Calls made: 1, or 2 when the budget digest was tried. */
  calls: number;
  usedBudget: boolean;
}

type RunEvaluator = (bin: string, prompt: string, s: EvaluatorSettings) => Promise<EvalResult>;

export async function evaluateWindow(
  name: LlmEvaluatorName,
  bin: string,
  digests: Digests,
  s: EvaluatorSettings,
): Promise<Evaluation> {
  const evaluator = agentList.find((a) => a.evaluator?.name === name)?.evaluator;
  if (!evaluator) throw new Error(`no agent provides the ${name} evaluator`);
  const run: RunEvaluator = (...args) => evaluator.run(...args);
  const first = await run(bin, evaluatorPrompt(digests.full), s);
  if (first.ok || (first.kind !== 'overflow' && first.kind !== 'timeout'))
    return { result: first, calls: 1, usedBudget: false };
  const second = await run(bin, evaluatorPrompt(digests.budget), s);
  return { result: second, calls: 2, usedBudget: true };
}

export function evaluatorSettings(config: Config, env: NodeJS.ProcessEnv): EvaluatorSettings {
  return {
    model: config.changelog.model,
    claudeThinkingTokens: config.changelog.claude_thinking_tokens,
    codexConfig: config.changelog.codex_config,
    timeoutMs: config.changelog.timeout_seconds * 1000,
    env,
  };
}
