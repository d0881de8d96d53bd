import assert from 'node:assert/strict';
import { LABEL_MAX } from '../../src/changelog/entry-text.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Pins a session's devlog and its changelog entries byte for byte, with this run's folders
 * replaced by `<repo>` and `<transcript>` (the rest is deterministic: times come from the
 * transcript). `SHIPLOG_UPDATE_GOLDEN=1` rewrites both; the entries sit beside the devlog as
 * `<name>.entries.jsonl` and are read by hand like it.
 */
export function assertGolden(
  devlogGolden: string,
  out: { devlog: string; entries: string },
  run: { repo: string; transcript: string },
): void {
  const normalise = (text: string) =>
    text.replaceAll(JSON.stringify(run.repo), '"<repo>"').replaceAll(JSON.stringify(run.transcript), '"<transcript>"');
  const entriesGolden = devlogGolden.replace(/\.devlog\.json$/, '.entries.jsonl');
  assert.notEqual(entriesGolden, devlogGolden, `${devlogGolden}: a devlog golden ends in .devlog.json`);
  const devlog = normalise(out.devlog);
  const entries = normalise(out.entries);
  if (process.env.SHIPLOG_UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(devlogGolden), { recursive: true });
    writeFileSync(devlogGolden, devlog);
    writeFileSync(entriesGolden, entries);
  }
  assert.equal(devlog, readFileSync(devlogGolden, 'utf8'), `devlog differs from ${devlogGolden}`);
  assert.ok(
    existsSync(entriesGolden),
    `no golden entries at ${entriesGolden}: run with SHIPLOG_UPDATE_GOLDEN=1 and read them`,
  );
  assert.equal(entries, readFileSync(entriesGolden, 'utf8'), `entries differ from ${entriesGolden}`);
}

/**
 * Client framing no devlog row may show (issue 15): tags with a compound name (`<system-reminder>`,
 * `<task-notification>`, `<tools-used-before-summary>`, `<turn_aborted>`, `<local-command-stdout>`)
 * and the clients' interrupt notices.
 */
export const CLIENT_MARKUP = /<\/?[a-z]+(?:[-_][a-z]+)+>|\[Request interrupted by user|"type":"tool_result"/;

/**
 * What issue 15 asks of every heuristic entry a reader gets: summary and bullets end as sentences,
 * and the label is short and never a slash command, a bare "continue" or thanks.
 */
export function assertReadable(entry: { label: string; summary: string; bullets: string[] }): void {
  for (const text of [entry.summary, ...entry.bullets]) assert.match(text, /[.!?…。！？]$/, `not a sentence: ${text}`);
  assert.ok(entry.label.length <= LABEL_MAX, `label over ${LABEL_MAX} characters: ${entry.label}`);
  assert.doesNotMatch(
    entry.label,
    /^\/\S+$|^(?:continue|go on|thanks?(?: you)?|thank you\b.*|ok(?:ay)?)[.!]*$/i,
    `label names no work: ${entry.label}`,
  );
}
