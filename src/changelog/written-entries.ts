import { join } from 'node:path';
import { isErrno } from '../kit/errno.js';
import { readUntrusted } from '../untrusted-file.js';
import { ChangelogEntry } from './schema.js';

/**
 * What a session already has in the changelog, for a session the state database does not know
 * (state.db deleted, or moved aside as corrupt, while the session went on). The transcript is
 * then read again from its start, and without this the first window rebuilt would take in the
 * work already written, and write it again inside a new entry.
 */
export interface WrittenSoFar {
  /** The end of the latest entry: events up to it are in an entry already. */
  writtenThrough: string;
  /** The next window continues this entry. */
  prevRunId: string;
  /** How many entries the session has: the next window's index. */
  index: number;
}

/** The most of entries.jsonl read for this (an append-only log of one person's entries). */
const MAX_BYTES = 64 * 1024 * 1024;

export function writtenSoFar(repo: string, actor: string, sessionId: string): WrittenSoFar | null {
  const text = readEntriesFile(join(repo, '.changelog', actor, 'entries.jsonl'));
  if (text === null) return null;
  const needle = `"session_id":${JSON.stringify(sessionId)}`;
  let latest: ChangelogEntry | null = null;
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.includes(needle)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      // A torn or hand-broken line is no entry: it is not counted as written.
      continue;
    }
    const entry = ChangelogEntry.safeParse(parsed);
    if (!entry.success || entry.data.transcript.session_id !== sessionId) continue;
    count++;
    if (latest === null || Date.parse(entry.data.end) > Date.parse(latest.end)) latest = entry.data;
  }
  return latest === null ? null : { writtenThrough: latest.end, prevRunId: latest.run_id, index: count };
}

/**
 * The file's text, or null when there is none to read. The repository is untrusted: no symlink,
 * only a regular file, at most MAX_BYTES (untrusted-file.ts).
 */
function readEntriesFile(path: string): string | null {
  const read = readUntrusted(path, MAX_BYTES);
  if (read.kind === 'read') return read.bytes.toString('utf8');
  if (read.kind === 'failed' && !(isErrno(read.error) && read.error.code === 'EACCES')) throw read.error;
  return null;
}
