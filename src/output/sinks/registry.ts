import { changelogMd } from './changelog-md.js';
import { entriesJsonl } from './entries-jsonl.js';
import { failuresJsonl } from './failures-jsonl.js';
import type { EntrySink, FailureSink, Sink } from './sink.js';
import type { Config } from '../../config/config.js';

/** Every sink, in delivery order (a window goes to the ones before first). A new sink is named here. */
const SINKS: readonly Sink[] = [entriesJsonl, failuresJsonl, changelogMd];

export function entrySinks(config: Config): EntrySink[] {
  return SINKS.filter((s): s is EntrySink => s.takes === 'entries' && s.enabled(config));
}

export function failureSinks(config: Config): FailureSink[] {
  return SINKS.filter((s): s is FailureSink => s.takes === 'failures' && s.enabled(config));
}
