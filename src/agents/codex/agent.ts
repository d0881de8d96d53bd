import type { Agent } from '../agent.js';
import { codexAdapter } from './adapter.js';
import { codexLoggedIn, runCodex } from './evaluator.js';
import { notifyRollout, routeNotify } from './notify.js';
import { isRollout, threadIdFromRolloutName } from './rollout-name.js';
import { codexSubagentRollout } from './rollouts.js';
import { codexSessions } from './sessions.js';
import { isSubagentRollout } from './subagent-rollout.js';
import { holdsTurnComplete } from './turn-end.js';

export const codex = {
  id: 'codex',
  label: 'Codex',
  tool: 'codex',
  aliases: ['codex'],
  adapter: codexAdapter,
  format: () => ({ kind: 'lines' }),
  recognises: isRollout,
  sessionIdOf: threadIdFromRolloutName,
  sessions: codexSessions,
  isSubagentFile: isSubagentRollout,
  // A subagent thread has a rollout of its own, named by its thread id. A parent names each
  // child several times; a thread with no rollout is looked for once a run.
  subagents(transcriptPath) {
    const found = new Map<string, string | null>();
    return (agentId) => {
      if (!found.has(agentId)) found.set(agentId, codexSubagentRollout(transcriptPath, agentId));
      return found.get(agentId) ?? null;
    };
  },
  hooks: {
    events: { Stop: 'turn-end', SessionEnd: 'session-end' },
    otherKinds: { 'codex-notify': routeNotify },
    turnEnd: holdsTurnComplete,
    transcriptOf: notifyRollout,
  },
  evaluator: { name: 'codex', login: 'codex login', loggedIn: codexLoggedIn, run: runCodex },
  setup: async () => (await import('./setup.js')).codexSetup,
} as const satisfies Agent;
