import { type EntryContext, heuristicEntry } from '../changelog/heuristic.js';
import { ChangelogEntry } from '../changelog/schema.js';
import type { ClosedWindow } from '../changelog/window.js';
import type { Config } from '../config/config.js';
import { renderDigests } from '../evaluator/digest.js';
import { redactDeep, type Redactor } from '../redact/redact.js';
import type { insertWindow } from '../state/sessions.js';

type WindowInsert = Parameters<typeof insertWindow>[1];

/**
 * What a closed window is stored as until its entry is written: the heuristic entry, final as
 * it is for the heuristic evaluator, and for an LLM evaluator the digest it is shown (also what
 * `shiplog retry` shows it after a failure). Both redacted whole: commit messages come from tool
 * output, which events keep unredacted.
 */
export function windowRow(
  closed: ClosedWindow,
  about: EntryContext,
  by: { redactor: Redactor; config: Config },
): WindowInsert {
  const { changelog } = by.config;
  const needsEval = changelog.evaluator === 'heuristic' ? 0 : 1;
  const entry = ChangelogEntry.parse(redactDeep(heuristicEntry(closed, about), by.redactor));
  const digest =
    needsEval === 1
      ? JSON.stringify(redactDeep(renderDigests(closed.window, entry, changelog.digest_chars), by.redactor))
      : null;
  return {
    run_id: closed.runId,
    session_id: about.sessionId,
    repo: about.repo,
    actor: about.actor,
    entry: JSON.stringify(entry),
    digest,
    needs_eval: needsEval,
  };
}
