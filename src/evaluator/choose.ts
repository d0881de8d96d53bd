import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { claudeConfigDir, codexHome, findOnPath } from '../install/agents.js';
import type { LlmEvaluatorName } from './backoff.js';

/**
 * Which evaluator writes an entry. `auto` takes an installed CLI that is logged in (Claude
 * Code first, then Codex) and otherwise the heuristic, so it never fails for want of one.
 */
export type EvaluatorChoice = { name: 'heuristic' } | { name: LlmEvaluatorName; bin: string };

export function chooseEvaluator(setting: Config['changelog']['evaluator'], env: NodeJS.ProcessEnv): EvaluatorChoice {
  if (setting === 'heuristic') return { name: 'heuristic' };
  if (setting === 'claude' || setting === 'codex') {
    // Named explicitly: a missing CLI is a failure the user should see, not a silent fallback.
    return { name: setting, bin: findOnPath(setting, env) ?? setting };
  }
  const claude = findOnPath('claude', env);
  if (claude && claudeLoggedIn(env)) return { name: 'claude', bin: claude };
  const codex = findOnPath('codex', env);
  if (codex && codexLoggedIn(env)) return { name: 'codex', bin: codex };
  return { name: 'heuristic' };
}

export function claudeLoggedIn(env: NodeJS.ProcessEnv): boolean {
  if (env.ANTHROPIC_API_KEY || env.ANTHROPIC_AUTH_TOKEN || env.CLAUDE_CODE_OAUTH_TOKEN) return true;
  return existsSync(join(claudeConfigDir(env), '.credentials.json'));
}

/** The evaluator's CODEX_HOME holds only auth.json, so that file (or an API key) is the login. */
export function codexLoggedIn(env: NodeJS.ProcessEnv): boolean {
  if (env.CODEX_API_KEY || env.OPENAI_API_KEY) return true;
  return existsSync(join(codexHome(env), 'auth.json'));
}
