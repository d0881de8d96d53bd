/** Reading what an evaluator CLI answered: the JSON in it, and a line to quote when it is not. */

import { firstNonBlankLine } from '../kit/text-lines.js';

/** A JSON object in a text answer, fenced or bare. */
export function jsonIn(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1];
  const body = (fenced ?? text).trim();
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    return JSON.parse(body.slice(start, end + 1));
  } catch {
    // Not JSON after all: the caller reports a malformed answer.
    return undefined;
  }
}

/** The line an error message quotes from an answer that holds no JSON, cut so the message stays short. */
export function quotedLine(text: string): string {
  return firstNonBlankLine(text).slice(0, 300);
}
