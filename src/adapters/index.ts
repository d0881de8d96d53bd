import type { Adapter, AgentName } from './adapter.js';
import { claudeCodeAdapter } from './claude-code/index.js';
import { codexAdapter } from './codex/index.js';

export type { Adapter, AgentName } from './adapter.js';

const ADAPTERS: Record<AgentName, Adapter<unknown>> = {
  'claude-code': claudeCodeAdapter,
  codex: codexAdapter,
};

export function adapterFor(agent: AgentName): Adapter<unknown> {
  return ADAPTERS[agent];
}

/** The changelog entry's `tool` field for each agent, as ai-code-sessions names them. */
export const TOOL_NAME: Record<AgentName, 'claude' | 'codex'> = { 'claude-code': 'claude', codex: 'codex' };
