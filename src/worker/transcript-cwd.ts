import { closeSync, openSync } from 'node:fs';
import type { Adapter } from '../adapters/adapter.js';
import { adapterFor, type AgentName } from '../adapters/index.js';
import { readLines } from '../tail/tail.js';

/**
 * The first working folder a transcript names, from its first 500 lines (a session record or
 * the first prompt carries it): for `shiplog process` and `backfill`, which have no payload.
 */
export function discoverCwd(fd: number, adapter: Adapter<unknown>): string | null {
  let state = adapter.initialState();
  let n = 0;
  for (const item of readLines(fd, 0, { maxLineBytes: 1 << 20 })) {
    if (++n > 500) break;
    if (item.kind !== 'line' || item.text === '') continue;
    const r = adapter.parseLine(state, item.text);
    state = r.state;
    for (const e of r.events) if (e.kind === 'session' && e.cwd) return e.cwd;
  }
  return null;
}

/** As `discoverCwd`, by path; null when the file cannot be read. */
export function transcriptCwd(path: string, agent: AgentName): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    // Unreadable or gone: the caller treats the session as having no known folder.
    return null;
  }
  try {
    return discoverCwd(fd, adapterFor(agent));
  } finally {
    closeSync(fd);
  }
}
