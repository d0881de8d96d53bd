import { basename, dirname, join } from 'node:path';
import type { Agent } from '../agent.js';
import { claudeCodeAdapter } from './adapter.js';
import { claudeLoggedIn, runClaude } from './evaluator.js';
import { claudeSessions } from './sessions.js';
import { holdsReply } from './turn-end.js';

export const claudeCode = {
  id: 'claude-code',
  label: 'Claude Code',
  tool: 'claude',
  aliases: ['claude', 'claude-code'],
  adapter: claudeCodeAdapter,
  format: () => ({ kind: 'lines' }),
  // Its transcripts have no mark of their own: a JSONL file no other agent claims is tried as one.
  recognises: (fileName) => fileName.endsWith('.jsonl'),
  recognisedLast: true,
  sessions: claudeSessions,
  // `<session>/subagents/agent-<id>.jsonl` (2.1.x), `agent-<id>.jsonl` beside the sessions (1.0.x).
  isSubagentFile: (path) => basename(path).startsWith('agent-'),
  // 2.1.x keeps a subagent's transcript at `<session>/subagents/agent-<id>.jsonl` beside the parent.
  subagents(transcriptPath) {
    const dir = join(dirname(transcriptPath), basename(transcriptPath, '.jsonl'), 'subagents');
    return (agentId) => (/^[A-Za-z0-9_-]{1,128}$/.test(agentId) ? join(dir, `agent-${agentId}.jsonl`) : null);
  },
  hooks: {
    events: { Stop: 'turn-end', SubagentStop: 'subagent-end', SessionEnd: 'session-end' },
    turnEnd: holdsReply,
  },
  evaluator: { name: 'claude', login: 'claude (then /login)', loggedIn: claudeLoggedIn, run: runClaude },
  setup: async () => (await import('./setup.js')).claudeSetup,
} as const satisfies Agent;
