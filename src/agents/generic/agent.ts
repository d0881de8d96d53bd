import type { Agent } from '../agent.js';
import { genericAdapter, readGeneric } from './index.js';

/**
 * Session logs no agent's reader knows (raw API logs, LangChain messages, JSON message lists,
 * Markdown chat exports, as the seed guide processing-generic.md names them), for `shiplog process`
 * and `backfill --path`. No hooks and no session folder: files are named to it.
 */
export const generic = {
  id: 'generic',
  label: 'a chat log',
  tool: 'unknown',
  aliases: ['generic'],
  adapter: genericAdapter,
  // Read whole each run: a log of another tool has no cursor to trust but its message count.
  format: () => ({
    kind: 'document',
    records(text, fileName, redact) {
      const r = readGeneric(text, fileName, redact ? { redact } : {});
      return r.ok ? { ok: true, records: r.records.map((rec) => JSON.stringify(rec)) } : r;
    },
  }),
  recognises: () => false,
  lastResort: true,
} as const satisfies Agent;
