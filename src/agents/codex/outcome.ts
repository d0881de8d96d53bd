/**
 * What became of a Codex tool call, from its output text and exit code. Codex answers the model
 * with plain text when it does not run a call or stops it (`exec command rejected by user`,
 * `Wall time: 0.1 seconds\naborted by user`, `apply_patch verification failed: …`), and with an
 * exit code when the command ran. Wording from openai/codex (codex-rs core tools) and the rollouts
 * recorded from 0.169.0 (test/fixtures/codex: interrupted, patch-retry).
 */

import { type Classified, exitOutcome, firstMatch, HEAD_CHARS, type TextRule } from '../../adapters/common/outcome.js';

/** Header lines of a unified exec output, before Codex's own verdict or the command's output. */
const HEADER_LINES = String.raw`(?:(?:Chunk ID|Wall time|Original token count)[^\n]*\n)*`;

const RULES: readonly TextRule[] = [
  // A turn interrupted while a call ran: its output is only the abort (after the wall time).
  {
    test: new RegExp(String.raw`^${HEADER_LINES}aborted(?: by user(?: after [^\n]*)?| before dispatch)?\s*$`),
    outcome: 'interrupted',
  },
  {
    test: /^(?:exec command|patch) rejected by user|^user rejected MCP tool call/,
    outcome: 'refused',
    reason: 'rejected by user',
  },
  { test: /^This action was rejected due to unacceptable risk/, outcome: 'refused', reason: 'rejected as too risky' },
  { test: /^exec command rejected\b/, outcome: 'refused', reason: 'not permitted' },
  { test: /^(?:sandbox denied exec error|failed in sandbox)\b/, outcome: 'refused', reason: 'sandbox denied' },
  { test: /^command timed out after\b/, outcome: 'interrupted', reason: 'timed out' },
  {
    test: /^apply_patch verification failed: Failed to find expected lines\b/,
    outcome: 'failed',
    reason: 'expected lines not found',
  },
  { test: /^apply_patch verification failed\b/, outcome: 'failed', reason: 'patch did not apply' },
];

/**
 * The outcome of a call from its output text (raw, as Codex wrote it) and exit code; undefined
 * when neither says it went wrong. Codex's own verdicts come before the exit code: a declined
 * command is also given exit code -1.
 */
export function classifyCodexOutput(text: string, exitCode: number | undefined): Classified | undefined {
  // Exit code 0: the command ran and succeeded, whatever it printed.
  if (exitCode === 0) return undefined;
  return (
    firstMatch(text.slice(0, HEAD_CHARS).trimStart(), RULES) ??
    (exitCode === undefined ? undefined : exitOutcome(exitCode))
  );
}

/** A patch that did not apply: Codex's verdict when it gave one, else a plain failure to apply. */
export function patchFailure(text: string): Classified {
  return classifyCodexOutput(text, undefined) ?? { outcome: 'failed', reason: 'patch did not apply' };
}
