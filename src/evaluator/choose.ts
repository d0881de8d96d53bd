import type { Config } from '../config/config.js';
import { agentList } from '../agents/registry.js';
import { findOnPath } from '../find-on-path.js';
import type { LlmEvaluatorName } from './backoff.js';

/**
 * Which evaluator writes an entry. `auto` takes an installed CLI that is logged in (in the
 * registry's order: Claude Code first, then Codex) and otherwise the heuristic, so it never fails
 * for want of one.
 */
export type EvaluatorChoice = { name: 'heuristic' } | { name: LlmEvaluatorName; bin: string };

export function chooseEvaluator(setting: Config['changelog']['evaluator'], env: NodeJS.ProcessEnv): EvaluatorChoice {
  if (setting === 'heuristic') return { name: 'heuristic' };
  if (setting !== 'auto') {
    // Named explicitly: a missing CLI is a failure the user should see, not a silent fallback.
    return { name: setting, bin: findOnPath(setting, env) ?? setting };
  }
  for (const { evaluator } of agentList) {
    if (!evaluator) continue;
    const bin = findOnPath(evaluator.name, env);
    if (bin && evaluator.loggedIn(env)) return { name: evaluator.name, bin };
  }
  return { name: 'heuristic' };
}

/** The agent behind an LLM evaluator: its login check and how to log in. */
export function evaluatorOf(name: LlmEvaluatorName) {
  return agentList.find((a) => a.evaluator?.name === name)?.evaluator;
}
