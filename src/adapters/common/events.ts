/** Small helpers for building events, shared by the adapters. */

import type { EventOf } from '../../events.js';
import type { LineContext, ParseResult } from '../adapter.js';
import { clipEnd, withRedactionBeforeCut } from './clip.js';
import { MAX_NAME_CHARS } from './limits.js';

/** Drop `undefined` properties so events compare and serialise cleanly. */
export function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

export function skipped(reason: string): EventOf<'skipped'> {
  return { kind: 'skipped', reason };
}

/**
 * The total part of every adapter's parseLine: blank lines give nothing, a line that is not JSON
 * one `invalid-json` skip, and a bug in the record handler one `internal-error` skip instead of
 * an exception that would stop the pipeline.
 */
export function parseJsonLine<S>(
  state: S,
  line: string,
  ctx: LineContext | undefined,
  parseRecord: (state: S, value: unknown, ctx: LineContext | undefined) => ParseResult<S>,
): ParseResult<S> {
  // Blank lines (a trailing newline, an editor's empty line) carry nothing and are not counted.
  if (line.trim() === '') return { state, events: [] };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // SyntaxError, or RangeError for pathological nesting: either way not a usable record.
    return { state, events: [skipped('invalid-json')] };
  }
  try {
    const result = withRedactionBeforeCut(ctx?.redact, () => parseRecord(state, value, ctx));
    return { state: result.state, events: result.events };
  } catch (error) {
    // Totality backstop: a bug must not stop the pipeline; it is counted under its own reason.
    const name = error instanceof Error ? error.name : typeof error;
    return { state, events: [skipped(`internal-error:${clipEnd(name, MAX_NAME_CHARS)}`)] };
  }
}
