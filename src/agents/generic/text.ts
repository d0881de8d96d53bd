/**
 * Text helpers for normalising untrusted session files: leaving out base64 data, keeping the head
 * and tail of tool output, reading ids and times. Every scan here is one linear pass; none runs a
 * regex whose cost grows faster than the text.
 */

import { clipEnd, tail } from '../../adapters/common/clip.js';
import { MAX_CWD_CHARS, MAX_ID_CHARS, OUTPUT_TAIL_CHARS } from '../../adapters/common/limits.js';
import { HEAD_CHARS } from '../../adapters/common/outcome.js';
import { MAX_TEXT_CHARS } from './record.js';

/** A run of base64 characters this long is data (an image, a file), never prose. */
const BASE64_RUN = 1000;
const BASE64_MARK = '[base64 data left out]';

function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
}

/** The text with every run of 1000+ base64 characters replaced by a short mark. */
function withoutBase64(text: string): string {
  if (text.length < BASE64_RUN) return text;
  let out = '';
  let kept = 0;
  let runStart = -1;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && isBase64Char(text.charCodeAt(i))) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0 && i - runStart >= BASE64_RUN) {
      out += text.slice(kept, runStart) + BASE64_MARK;
      kept = i;
    }
    runStart = -1;
  }
  return kept === 0 ? text : out + text.slice(kept);
}

/**
 * Message text as a record keeps it: data left out first (so an image does not push the words
 * out), then cut to MAX_TEXT_CHARS. Undefined for text that is only whitespace.
 */
export function messageText(raw: string): string | undefined {
  const text = clipEnd(withoutBase64(raw), MAX_TEXT_CHARS).trim();
  return text === '' ? undefined : text;
}

/**
 * The start and the end of a tool's output: the start is where a tool or shell says it failed,
 * the end is where test totals and commit hashes are; the middle is file contents and logs.
 */
export function headAndTail(raw: string): string {
  const text = withoutBase64(raw);
  if (text.length <= HEAD_CHARS + OUTPUT_TAIL_CHARS + 64) return text;
  return `${clipEnd(text, HEAD_CHARS)}\n${tail(text, OUTPUT_TAIL_CHARS)}`;
}

/** An id as a record keeps it: non-empty and short (a huge id is hostile, not an id). */
export function boundedId(value: string | undefined): string | undefined {
  return value !== undefined && value.length > 0 && value.length <= MAX_ID_CHARS ? value : undefined;
}

export function boundedCwd(value: string | undefined): string | undefined {
  return value !== undefined && value.length > 0 && value.length <= MAX_CWD_CHARS ? value : undefined;
}

/** Years outside this are a wrong unit or garbage, not a session time. */
const MIN_MS = Date.UTC(1990, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);

/**
 * A record time as ISO 8601 UTC: an ISO-like string, or a Unix time in seconds or milliseconds
 * (told apart by size: seconds stay below 1e11 until the year 5138).
 */
export function isoTime(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  let ms: number;
  if (typeof value === 'number') {
    ms = Math.abs(value) < 1e11 ? value * 1000 : value;
  } else {
    if (value.length === 0 || value.length > 64) return undefined;
    ms = Date.parse(value);
  }
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) return undefined;
  return new Date(ms).toISOString();
}
