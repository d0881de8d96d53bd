import type { Adapter } from '../adapters/adapter.js';
import type { AgentEvent } from '../events.js';
import { agentFor, type AgentId } from '../agents/registry.js';
import { DocumentError, documentRecords, readDocument, recordItems } from '../tail/document.js';
import { peekLines, type TailItem } from '../tail/tail.js';
import { closeSync } from 'node:fs';
import { openTranscript } from './open-transcript.js';
import { RunError } from './run-error.js';

/**
 * The first working folder a transcript names, from its first 500 lines (a session record or
 * the first prompt carries it): for `shiplog process` and `backfill`, which have no payload.
 */
export function discoverCwd(lines: Iterable<TailItem>, adapter: Adapter<unknown>): string | null {
  return firstEvent(lines, adapter, 500, (e) => (e.kind === 'session' && e.cwd ? e.cwd : null));
}

/** The first non-null `pick` of the events in the first `limit` lines, read by `adapter`. */
export function firstEvent<T>(
  lines: Iterable<TailItem>,
  adapter: Adapter<unknown>,
  limit: number,
  pick: (e: AgentEvent) => T | null,
): T | null {
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

/**
 * `take` of the transcript's first lines as the agent's pipeline reads them (a document's
 * records, src/tail/document.ts; none when the agent cannot split it); null when the file
 * cannot be read.
 */
export function peekTranscript<T>(path: string, agent: AgentId, take: (lines: Iterable<TailItem>) => T): T | null {
  const format = agentFor(agent).format(path);
  if (format.kind === 'lines') return peekLines(path, CWD_LINE_LIMIT, take);
  let fd: number;
  try {
    fd = openTranscript(path);
  } catch (err) {
    // Unreadable, gone, a link, a folder: the caller treats it as unknown, and the run says why.
    if (err instanceof RunError) return null;
    throw err;
  }
  try {
    return take(recordItems(documentRecords(readDocument(fd, path), path, format.records)));
  } catch (err) {
    // Read, but not a document of this agent's: it holds no lines of a session.
    if (err instanceof DocumentError) return take([]);
    throw err;
  } finally {
    closeSync(fd);
  }
}

/** As `discoverCwd`, by path; null when the file cannot be read. */
export function transcriptCwd(path: string, agent: AgentId): string | null {
  const recorded = agentFor(agent).cwdOf?.(path);
  if (recorded) return recorded;
  return peekTranscript(path, agent, (lines) => discoverCwd(lines, agentFor(agent).adapter));
}
