import type { Adapter } from '../adapters/adapter.js';
import type { Agent, AgentHooks, AgentSetup, HookRole } from './agent.js';
import { claudeCode } from './claude-code/agent.js';
import { codex } from './codex/agent.js';
import { gemini } from './gemini/agent.js';
import { generic } from './generic/agent.js';
import type { AgentId } from './ids.js';

export type { Agent } from './agent.js';
export { AgentId } from './ids.js';

/** Every agent shiplog reads. Adding one: its folder, its id in ./ids.ts, and its line here. */
const agents = {
  'claude-code': claudeCode,
  codex,
  gemini,
  generic,
} as const satisfies Record<AgentId, Agent>;

export const agentList: readonly Agent[] = Object.values(agents);

export function agentFor(id: AgentId): Agent {
  return agents[id];
}

export function adapterFor(id: AgentId): Adapter<unknown> {
  return agents[id].adapter;
}

/** The agent `--agent NAME` names, by any of its aliases. */
export function agentByAlias(name: string): Agent | undefined {
  return agentList.find((a) => a.aliases.includes(name));
}

/** Which agent wrote a file no hook named (`shiplog process`): agents whose files carry a mark first. */
export function detectAgent(fileName: string, head: string): Agent | undefined {
  return detectionOrder.find((a) => a.recognises(fileName, head));
}

const detectionOrder: readonly Agent[] = [
  ...agentList.filter((a) => !a.recognisedLast),
  ...agentList.filter((a) => a.recognisedLast),
];

/** The reader for a file no other agent's reader makes a session of. */
export const lastResort: Agent | undefined = agentList.find((a) => a.lastResort);

/** Whose hook wrote an inbox file of this kind, and what kind of payload it is. */
export function inboxKind(
  kind: string,
): { agent: Agent; hooks: AgentHooks; route?: NonNullable<AgentHooks['otherKinds']>[string] } | null {
  for (const agent of agentList) {
    const hooks = agent.hooks;
    if (!hooks) continue;
    if (kind === agent.id) return { agent, hooks };
    // Own keys only: a kind named like an object's property (`constructor`) is no kind.
    const route = hooks.otherKinds && Object.hasOwn(hooks.otherKinds, kind) ? hooks.otherKinds[kind] : undefined;
    if (route) return { agent, hooks, route };
  }
  return null;
}

/** What a hook event an agent's job names means for its session; undefined for any other name. */
export function hookRole(id: AgentId, event: string): HookRole | undefined {
  const events = agentFor(id).hooks?.events;
  return events && Object.hasOwn(events, event) ? events[event] : undefined;
}

/** The agents that have hooks, and so hook fires to report. */
export const hookedAgents: readonly Agent[] = agentList.filter((a) => a.hooks !== undefined);

/** Every agent that can be installed, with its setup loaded (install, uninstall, doctor). */
export async function agentSetups(): Promise<{ agent: Agent; setup: AgentSetup }[]> {
  const out: { agent: Agent; setup: AgentSetup }[] = [];
  for (const agent of agentList) if (agent.setup) out.push({ agent, setup: await agent.setup() });
  return out;
}
