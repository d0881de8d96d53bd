import { z } from 'zod';
import { peekLines } from '../../tail/tail.js';

/**
 * Whether a Codex rollout belongs to a subagent thread (read through its parent's rollout, never
 * as a session of its own). Apart from backfill's discovery, so a worker's sweep can ask without
 * loading fast-glob.
 */

const SessionMeta = z.object({
  type: z.literal('session_meta'),
  payload: z.object({ source: z.unknown().optional(), thread_source: z.unknown().optional() }),
});

/** A rollout whose `session_meta` says a parent thread spawned it (reference/codex.md §11). */
export function isSubagentRollout(path: string): boolean {
  const meta = SessionMeta.safeParse(parseJson(firstLine(path)));
  if (!meta.success) return false;
  const { source, thread_source } = meta.data.payload;
  return (typeof source === 'object' && source !== null && 'subagent' in source) || thread_source === 'subagent';
}

/** JSON, or null for a torn or foreign line. */
export function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    // A torn or foreign first line: not a session_meta, so the rollout is treated as a main thread.
    return null;
  }
}

/** `session_meta` carries ~22 KB of instructions, so the first line is read whole (up to 4 MiB). */
function firstLine(path: string): string | null {
  return peekLines(path, { maxLineBytes: 4 << 20 }, (lines) => {
    for (const item of lines) return item.kind === 'line' ? item.text : null;
    return null;
  });
}

