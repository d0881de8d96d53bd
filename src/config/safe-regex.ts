import { createRequire } from 'node:module';
import type * as Re2 from 're2js';
import { ShiplogError } from '../kit/shiplog-error.js';

/**
 * User redaction patterns (`redact.extra`) run on RE2 (the re2js port), whose matching time is
 * linear in the text for any pattern: `(a+)+$` cannot spin the worker the way it spins a
 * backtracking engine (SIGTERM does not even reach a thread stuck in V8's regex). RE2 has no
 * backreferences or lookaround; such a pattern is refused as a config problem. The pattern's size
 * is bounded too, since RE2's time is linear in text × program size.
 */
const MAX_PATTERN_CHARS = 1000;
const MAX_PROGRAM_SIZE = 2000;

interface PatternSpan {
  start: number;
  end: number;
}

export interface UserRegex {
  /** Every non-empty match, as the span of capture group 1 when it took part, else the whole match. */
  find(text: string): PatternSpan[];
}

export class UserPatternError extends ShiplogError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EBADPATTERN', message, options);
  }
}

// Loaded on first use: most users set no pattern, and the worker's memory budget is tight.
const requireCjs = createRequire(import.meta.url);
let engine: typeof Re2 | undefined;
function re2js(): typeof Re2 {
  engine ??= requireCjs('re2js') as typeof Re2;
  return engine;
}

/** Compiles a user pattern or throws UserPatternError saying why it cannot be used. */
export function compileUserPattern(pattern: string): UserRegex {
  if (pattern.length > MAX_PATTERN_CHARS) throw new UserPatternError(`is longer than ${MAX_PATTERN_CHARS} characters`);
  const { RE2JS, RE2JSException } = re2js();
  let re: Re2.RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    if (err instanceof RE2JSException)
      throw new UserPatternError(
        `is not a pattern RE2 accepts (${err.message}); backreferences and lookaround are not supported`,
        { cause: err },
      );
    throw err;
  }
  if (re.programSize() > MAX_PROGRAM_SIZE)
    throw new UserPatternError(`is too complex (RE2 program size ${re.programSize()}, at most ${MAX_PROGRAM_SIZE})`);
  if (re.matcher('').find()) throw new UserPatternError('matches the empty string');
  const hasGroup = re.groupCount() >= 1;
  return {
    find(text) {
      const spans: PatternSpan[] = [];
      const m = re.matcher(text);
      while (m.find()) {
        // RE2 steps past an empty match itself; a pattern that matches empty only at some places
        // (`\b`) adds nothing there. Group 1 outside the alternative taken starts at -1.
        const g = hasGroup ? m.start(1) : -1;
        const start = g >= 0 ? g : m.start();
        const end = g >= 0 ? m.end(1) : m.end();
        if (end > start) spans.push({ start, end });
      }
      return spans;
    },
  };
}

/** Why the pattern cannot be used, or null when it can. */
export function userPatternProblem(pattern: string): string | null {
  try {
    compileUserPattern(pattern);
    return null;
  } catch (err) {
    if (err instanceof UserPatternError) return err.message;
    throw err;
  }
}
