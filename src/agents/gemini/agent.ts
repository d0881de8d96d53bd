import type { Agent, TranscriptFormat } from '../agent.js';
import type { HookPayload } from '../../hooks/payload.js';
import { holdsText, type TurnEnd } from '../../worker/stop-wait.js';
import { geminiAdapter } from './adapter.js';
import { documentRecords, geminiSessions, isSubagentLog, projectRootOf, sessionIdOf } from './sessions.js';

const LINES: TranscriptFormat = { kind: 'lines' };
const DOCUMENT: TranscriptFormat = { kind: 'document', records: documentRecords };

/**
 * AfterAgent may come before the turn's reply is in the log: wait for the payload's
 * `prompt_response`. It joins the text of every message of the turn with newlines, so what the
 * file holds in one piece is its last line: the end of the turn's last message.
 */
function holdsResponse(payload: HookPayload): TurnEnd | null {
  const response = payload['prompt_response'];
  const last = typeof response === 'string' ? (response.trim().split('\n').at(-1) ?? '').trim().slice(-120) : '';
  return last === '' ? null : holdsText(last);
}

export const gemini = {
  id: 'gemini',
  label: 'Gemini CLI',
  tool: 'gemini',
  aliases: ['gemini'],
  adapter: geminiAdapter,
  // 0.5x and later append a JSONL log; earlier releases rewrote one JSON document per session.
  format: (path) => (path.endsWith('.json') ? DOCUMENT : LINES),
  // Both the log's first record and a document start with the session's metadata.
  recognises: (fileName, head) =>
    /^\{\s*"sessionId"\s*:\s*"[^"\n]{0,200}",\s*"projectHash"\s*:/.test(head) || /^session-.*\.json$/.test(fileName),
  sessionIdOf,
  cwdOf: projectRootOf,
  sessions: geminiSessions,
  // `chats/<parent id>/<id>.jsonl`, whose metadata says `kind: "subagent"`.
  isSubagentFile: isSubagentLog,
  hooks: {
    events: { AfterAgent: 'turn-end', SessionEnd: 'session-end' },
    turnEnd: holdsResponse,
  },
  setup: async () => (await import('./setup.js')).geminiSetup,
} as const satisfies Agent;
