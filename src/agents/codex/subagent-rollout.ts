import { z } from 'zod';
import { peekFirstLine } from '../../tail/tail.js';
import { tryParseJson } from '../../try-json.js';

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
  const first = peekFirstLine(path, FIRST_LINE_BYTES);
  // A torn or foreign first line is not a session_meta: the rollout is read as a main thread.
  const meta = SessionMeta.safeParse(first === null ? undefined : tryParseJson(first));
  if (!meta.success) return false;
  const { source, thread_source } = meta.data.payload;
  return (typeof source === 'object' && source !== null && 'subagent' in source) || thread_source === 'subagent';
}

/** `session_meta` carries ~22 KB of instructions, so the first line is read whole (up to 4 MiB). */
const FIRST_LINE_BYTES = 4 << 20;
