import { appendToChangelog } from './jsonl-file.js';
import type { EntrySink } from './sink.js';

/** `.changelog/<actor>/entries.jsonl`: one line per window, in the order the windows closed. */
export const entriesJsonl: EntrySink = {
  name: 'entries.jsonl',
  takes: 'entries',
  enabled: () => true,
  deliver: (to, items, ctx) => appendToChangelog(to, 'entries.jsonl', items, ctx),
};
