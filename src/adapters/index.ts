import type { Adapter, AgentName } from './adapter.js';
import { claudeCodeAdapter } from './claude-code/index.js';

export type { Adapter, AgentName } from './adapter.js';

const ADAPTERS: Record<AgentName, Adapter<unknown> | undefined> = {
  'claude-code': claudeCodeAdapter,
  codex: undefined,
};

export function adapterFor(agent: AgentName): Adapter<unknown> {
  const adapter = ADAPTERS[agent];
  if (!adapter) throw new Error(`no transcript adapter for ${agent} yet`);
  return adapter;
}

/** The changelog entry's `tool` field for each agent, as ai-code-sessions names them. */
export const TOOL_NAME: Record<AgentName, 'claude' | 'codex'> = { 'claude-code': 'claude', codex: 'codex' };
