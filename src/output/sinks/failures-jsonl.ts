import { appendToChangelog } from './jsonl-file.js';
import type { FailureSink } from './sink.js';

/** `.changelog/<actor>/failures.jsonl`, beside the entries so `tail -f` shows both. */
export const failuresJsonl: FailureSink = {
  name: 'failures.jsonl',
  takes: 'failures',
  enabled: () => true,
  deliver: (to, items, ctx) => appendToChangelog(to, 'failures.jsonl', items, ctx),
};
