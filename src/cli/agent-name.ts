import type { AgentName } from '../adapters/adapter.js';
import { UsageError } from './errors.js';

/** The names every command takes for an agent: `claude` (or `claude-code`) and `codex`. */
export function agentName(raw: string): AgentName {
  if (raw === 'claude' || raw === 'claude-code') return 'claude-code';
  if (raw === 'codex') return 'codex';
  throw new UsageError(`unknown agent "${raw}"`, 'Use --agent claude (or claude-code) or --agent codex.');
}
