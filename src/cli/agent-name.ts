import { agentByAlias, agentList, type AgentId } from '../agents/registry.js';
import { UsageError } from './errors.js';
import { wordList } from '../word-list.js';

/** The names every command takes for an agent (`claude` or `claude-code`, `codex`, …). */
export function agentName(raw: string): AgentId {
  const agent = agentByAlias(raw);
  if (agent) return agent.id;
  const names = agentList.map(
    (a) => `--agent ${a.aliases[0]}${a.aliases.length > 1 ? ` (or ${a.aliases.slice(1).join(', ')})` : ''}`,
  );
  throw new UsageError(`unknown agent "${raw}"`, `Use ${wordList(names, 'or')}.`);
}
