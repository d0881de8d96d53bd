/**
 * What the adapters share for classifying tool results: the outcome type, exit codes, and a
 * first-match table of text rules. Each adapter keeps its own table (the clients word their
 * failures differently); the reasons are the adapters' own short wording, so no transcript text
 * ever reaches the devlog through them.
 */

import type { ToolOutcome } from '../../events.js';

export interface Classified {
  outcome: ToolOutcome;
  reason?: string;
}

/**
 * Exit statuses a shell gives a command killed by a signal: SIGINT (130), SIGKILL (137), SIGTERM
 * (143). Claude Code reports `Exit code 137` for the command it kills when it is itself
 * terminated (test/fixtures/claude-code failures #1): the command was stopped, it did not fail.
 */
const SIGNAL_EXITS = new Set([130, 137, 143]);

/** The outcome a non-zero exit status stands for; undefined for 0. */
export function exitOutcome(code: number): Classified | undefined {
  if (code === 0) return undefined;
  if (SIGNAL_EXITS.has(code)) return { outcome: 'interrupted' };
  return { outcome: 'failed', reason: `exit ${code}` };
}

export interface TextRule {
  /** Tested against the text the adapter hands over (already cut to a bounded head or tail). */
  test: RegExp;
  outcome: ToolOutcome;
  reason?: string;
}

/** The first rule whose pattern matches, as an outcome. */
export function firstMatch(text: string, rules: readonly TextRule[]): Classified | undefined {
  for (const rule of rules) {
    if (rule.test.test(text))
      return rule.reason === undefined ? { outcome: rule.outcome } : { outcome: rule.outcome, reason: rule.reason };
  }
  return undefined;
}

/**
 * How much of a result is looked at. Every client writes its own notice at the start of the text
 * (or, for a killed or timed-out command, on its last line); the rest is program output, which
 * must not be mistaken for one, and can be megabytes long.
 */
export const HEAD_CHARS = 2048;
export const TAIL_CHARS = 512;
