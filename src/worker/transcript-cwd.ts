import type { Adapter } from '../adapters/adapter.js';
import type { AgentEvent } from '../events.js';
import { adapterFor, type AgentName } from '../adapters/index.js';
import { peekLines, type TailItem } from '../tail/tail.js';

/**
 * The first working folder a transcript names, from its first 500 lines (a session record or
 * the first prompt carries it): for `shiplog process` and `backfill`, which have no payload.
 */
export function discoverCwd(lines: Iterable<TailItem>, adapter: Adapter<unknown>): string | null {
  return firstEvent(lines, adapter, 500, (e) => (e.kind === 'session' && e.cwd ? e.cwd : null));
}

/** The first non-null `pick` of the events in the first `limit` lines, read by `adapter`. */
export function firstEvent<T>(lines: Iterable<TailItem>, adapter: Adapter<unknown>, limit: number, pick: (e: AgentEvent) => T | null): T | null {
  let state = adapter.initialState();
  let n = 0;
  for (const item of lines) {
    if (++n > limit) break;
    if (item.kind !== 'line' || item.text === '') continue;
    const r = adapter.parseLine(state, item.text);
    state = r.state;
    for (const e of r.events) {
      const found = pick(e);
      if (found !== null) return found;
    }
  }
  return null;
}

/** Lines of up to 1 MiB: a first prompt may be long, but not unbounded. */
export const CWD_LINE_LIMIT = { maxLineBytes: 1 << 20 };

/** As `discoverCwd`, by path; null when the file cannot be read. */
export function transcriptCwd(path: string, agent: AgentName): string | null {
  return peekLines(path, CWD_LINE_LIMIT, (lines) => discoverCwd(lines, adapterFor(agent)));
}
