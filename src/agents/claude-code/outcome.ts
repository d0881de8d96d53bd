/**
 * What became of a Claude Code tool call, from its tool_result: the text the client writes when
 * it refuses, stops or fails a call, the `Exit code N` of a failed Bash command, and (2.1.330) the
 * record's `toolDenialKind`. The texts are the client's own, as recorded from 2.1.330
 * (test/fixtures/claude-code) and seen in the 1.0.x–2.1.39 public corpus; a result marked
 * `is_error` that none of them explains is a plain failure.
 */

import {
  type Classified,
  exitOutcome,
  firstMatch,
  HEAD_CHARS,
  TAIL_CHARS,
  type TextRule,
} from '../../adapters/common/outcome.js';

/** Notices the client writes at the start of a result. First match wins. */
const HEAD_RULES: readonly TextRule[] = [
  // Escape while a tool runs, or "No" at a permission prompt: either way the user stopped it
  // (2.1.330 records both with toolDenialKind "user-rejected").
  { test: /^The user doesn't want to (?:proceed with|take) this/, outcome: 'interrupted' },
  // Written for calls left without a result when a session ended or a turn was cut short.
  {
    test: /^\[(?:Tool call interrupted|Agent call interrupted|Request interrupted): the (?:session ended|process running)/,
    outcome: 'interrupted',
    reason: 'session ended',
  },
  { test: /^\[(?:Request interrupted by user|Tool call did not complete)/, outcome: 'interrupted' },
  { test: /^Interrupted by user/, outcome: 'interrupted' },
  // A parallel call failed and the client cancelled this one before it ran.
  { test: /^Sibling tool call errored/, outcome: 'interrupted', reason: 'parallel call failed' },
  // The permission checks: -p cannot ask, a rule denies, or a command needs an approval it lacks.
  {
    test: /^Claude requested permissions to [^\n]*, but you haven't granted it yet/,
    outcome: 'refused',
    reason: 'not permitted',
  },
  {
    test: /^[^\n]*?\b(?:needs approval|requires? (?:manual )?approval|has been denied|was denied|was blocked by a deny rule|denied by your permission settings)\b/,
    outcome: 'refused',
    reason: 'not permitted',
  },
  // The file tools' own preconditions: nothing was written.
  {
    test: /^(?:File has not been read yet|File must be read first)/,
    outcome: 'refused',
    reason: 'file not read first',
  },
  { test: /^File has been modified (?:since read|on )/, outcome: 'refused', reason: 'file changed since read' },
  { test: /^String (?:to replace )?not found in file/, outcome: 'failed', reason: 'old_string not found' },
  { test: /^Found \d+ matches of the string to replace/, outcome: 'failed', reason: 'old_string not unique' },
  {
    test: /^No changes to make: old_string and new_string are exactly the same/,
    outcome: 'failed',
    reason: 'no change',
  },
  { test: /^File does not exist/, outcome: 'failed', reason: 'file does not exist' },
  { test: /^(?:EISDIR\b|Path is a directory)/, outcome: 'failed', reason: 'is a directory' },
  { test: /^File content \([^)\n]*\) exceeds maximum allowed/, outcome: 'failed', reason: 'file too large' },
  { test: /^InputValidationError\b/, outcome: 'failed', reason: 'invalid input' },
];

/** Notices the client appends after a command's output: it stopped the command. */
const TAIL_RULES: readonly TextRule[] = [
  { test: /(?:^|\n)Command timed out after [^\n]*\s*$/, outcome: 'interrupted', reason: 'timed out' },
  { test: /<error>Command was aborted before completion<\/error>\s*$/, outcome: 'interrupted' },
];

/** A bracketed client notice standing alone: the client's, even on a result not marked is_error. */
const STANDALONE_NOTICE =
  /^\[(?:Tool call interrupted|Tool call did not complete|Agent call interrupted|Request interrupted)[^\n]*\]$/;

/** `Exit code N` opening a failed Bash result (2.1.x; 1.0.x prints only the output). */
const EXIT_CODE = /^Exit code -?\d/;

export interface ClaudeResultFacts {
  /** The result's text content (string or text items), untrimmed. */
  text: string;
  isError: boolean;
  /** The exit code read from the result (its `Exit code N`, or a 1.0.x `BashOutput` field). */
  exitCode: number | undefined;
  /** 2.1.330 `toolDenialKind` on the result's record. */
  denialKind: string | undefined;
}

/** The outcome of one tool_result, or undefined when the call did what it set out to. */
export function classifyClaudeResult(facts: ClaudeResultFacts): Classified | undefined {
  // Tool errors come wrapped (`<tool_use_error>String to replace not found…</tool_use_error>`).
  const head = facts.text
    .slice(0, HEAD_CHARS)
    .replace(/^\s*<tool_use_error>/, '')
    .trimStart();
  if (!facts.isError && facts.denialKind === undefined) {
    if (STANDALONE_NOTICE.test(facts.text.trim())) return firstMatch(head, HEAD_RULES) ?? { outcome: 'interrupted' };
    return facts.exitCode === undefined ? undefined : exitOutcome(facts.exitCode);
  }
  const tail = facts.text.length > TAIL_CHARS ? facts.text.slice(-TAIL_CHARS) : facts.text;
  // After `Exit code N` comes the command's own output, which is no client notice.
  const byText = firstMatch(tail, TAIL_RULES) ?? (EXIT_CODE.test(head) ? undefined : firstMatch(head, HEAD_RULES));
  if (byText !== undefined) return byText;
  if (facts.exitCode !== undefined && facts.exitCode !== 0) return exitOutcome(facts.exitCode);
  if (facts.denialKind === 'interrupted' || facts.denialKind === 'cancelled') return { outcome: 'interrupted' };
  // "user-rejected", "permission-rule", "automode-*": the permission system said no.
  if (facts.denialKind !== undefined) return { outcome: 'refused', reason: 'not permitted' };
  return { outcome: 'failed' };
}
