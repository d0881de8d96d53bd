import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRedactor } from '../../src/redact/redact.js';

/** How much ordinary text the redactor changes: the measure of its false positives. */

export function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** Every string value inside a parsed JSON record (keys are field names, not transcript text). */
function stringValues(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringValues(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) stringValues(v, out);
}

/** Whitespace tokens of `before` that no longer appear in `after` (as a multiset). */
function changedTokens(before: string, after: string): string[] {
  if (before === after) return [];
  const left = new Map<string, number>();
  for (const t of after.split(/\s+/)) left.set(t, (left.get(t) ?? 0) + 1);
  return before
    .split(/\s+/)
    .filter((t) => t !== '')
    .filter((t) => {
      const n = left.get(t) ?? 0;
      if (n > 0) left.set(t, n - 1);
      return n === 0;
    });
}

const tokenCount = (text: string) => text.split(/\s+/).filter((t) => t !== '').length;

/** Every string value of every record of these JSONL transcripts. */
export function transcriptTexts(files: string[]): string[] {
  const texts: string[] = [];
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n'))
      if (line.trim() !== '') stringValues(JSON.parse(line), texts);
  }
  return texts;
}

/** The share of whitespace tokens the redactor changes in `texts`, printed with the counts per kind. */
export function falsePositives(label: string, texts: string[]): number {
  const r = createRedactor();
  let total = 0;
  const changed: string[] = [];
  for (const t of texts) {
    total += tokenCount(t);
    changed.push(...changedTokens(t, r.redact(t)));
  }
  const rate = changed.length / total;
  console.log(
    `${label}: ${changed.length} of ${total} tokens changed, false-positive rate ${(100 * rate).toFixed(4)}%`,
    r.counts,
  );
  return rate;
}
