/**
 * What became of a tool call of an unknown agent, from its result. Only some formats flag a
 * failed call (Anthropic `is_error`, LangChain `status: "error"`); OpenAI tool messages never do,
 * so the start of the output is read too, for what shells and tools print when a call did not
 * work: an exit status line, `error:` / `fatal:`, a Python traceback, a rejection by the user, a
 * timeout. Only the head is read (a notice opens the output; the rest is program output, and may
 * be long), and every pattern is anchored and bounded. The reasons are fixed wording, never text
 * from the file.
 */

import { type Classified, exitOutcome, firstMatch, HEAD_CHARS, type TextRule } from '../../adapters/common/outcome.js';

const RULES: readonly TextRule[] = [
  {
    test: /^\[?(?:request interrupted|interrupted by (?:the )?user|aborted by (?:the )?user|cancell?ed by (?:the )?user)/i,
    outcome: 'interrupted',
  },
  { test: /^(?:command )?timed out\b|^command timed out after\b/i, outcome: 'interrupted', reason: 'timed out' },
  {
    test: /^[^\n]{0,120}\b(?:rejected|denied|declined) by (?:the )?user\b/i,
    outcome: 'refused',
    reason: 'rejected by user',
  },
  { test: /^[^\n]{0,120}\buser (?:rejected|denied|declined)\b/i, outcome: 'refused', reason: 'rejected by user' },
  { test: /^<tool_use_error>/, outcome: 'failed' },
  { test: /^Traceback \(most recent call last\):/, outcome: 'failed', reason: 'exception' },
  { test: /^[^\n]{0,200}: command not found\b/, outcome: 'failed', reason: 'command not found' },
  { test: /^(?:error|fatal|exception)\b[ \t]*[:[]/i, outcome: 'failed' },
];

/** A line that is only an exit status, as shells and agent harnesses print it. */
const EXIT_LINE = /^(?:Error: )?(?:Exit code:?|exit (?:code|status):?|Process exited with code) (-?\d{1,10})[ \t]*$/im;

export interface GenericOutcome {
  classified?: Classified;
  exitCode?: number;
}

function exitCodeOf(head: string): number | undefined {
  const match = EXIT_LINE.exec(head);
  if (match?.[1] === undefined) return undefined;
  const code = Number(match[1]);
  return Number.isSafeInteger(code) ? code : undefined;
}

/** The outcome of one result: nothing when the call did what it set out to. */
export function classifyResult(output: string, isError: boolean): GenericOutcome {
  const head = output.slice(0, HEAD_CHARS).trimStart();
  const exitCode = exitCodeOf(head);
  const withCode = (classified: Classified | undefined): GenericOutcome => ({
    ...(classified !== undefined && { classified }),
    ...(exitCode !== undefined && { exitCode }),
  });
  // Exit 0 from a call the format did not flag: it ran and worked, whatever it printed.
  if (exitCode === 0 && !isError) return withCode(undefined);
  const byText = firstMatch(head, RULES);
  if (byText !== undefined) return withCode(byText);
  if (exitCode !== undefined && exitCode !== 0) return withCode(exitOutcome(exitCode));
  return withCode(isError ? { outcome: 'failed' } : undefined);
}
