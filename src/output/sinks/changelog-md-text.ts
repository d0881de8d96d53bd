import type { ChangelogEntry } from '../../changelog/schema.js';

/**
 * The text of `.changelog/<actor>/changelog.md`: one section per entry, newest first, each
 * opened by a marker line naming its run_id. The markers are the file's own record of what it
 * holds, so adding entries is idempotent whatever the outbox remembers; everything else in the
 * file (a heading the user rewrote, notes between sections) is kept byte for byte.
 *
 * Entry text came from a transcript, so it is escaped: it can neither start a line that looks
 * like a marker nor inject HTML or Markdown structure into the page.
 */

const MARKER = /^<!-- shiplog:entry (\S+) -->$/;

const marker = (runId: string): string => `<!-- shiplog:entry ${encodeURIComponent(runId)} -->`;

export interface Added {
  text: string;
  /** Per entry given: false when the file had it already (or it came twice). */
  added: boolean[];
}

/** `existing`: the file's text, or null when there is none yet. */
export function addSections(existing: string | null, actor: string, entries: ChangelogEntry[]): Added {
  const base = existing ?? fileHeader(actor);
  const have = new Set<string>();
  for (const line of base.split('\n')) {
    const m = MARKER.exec(line);
    if (m?.[1] !== undefined) have.add(m[1]);
  }
  const added = entries.map((e) => {
    const id = encodeURIComponent(e.run_id);
    if (have.has(id)) return false;
    have.add(id);
    return true;
  });
  const fresh = entries.filter((_, i) => added[i]).reverse();
  if (fresh.length === 0) return { text: base, added };
  const sections = fresh.map(renderSection).join('\n');
  const first = firstMarkerAt(base);
  if (first === null) {
    const sep = base === '' || base.endsWith('\n\n') ? '' : base.endsWith('\n') ? '\n' : '\n\n';
    return { text: `${base}${sep}${sections}`, added };
  }
  return { text: `${base.slice(0, first)}${sections}\n${base.slice(first)}`, added };
}

function fileHeader(actor: string): string {
  return (
    `# Changelog: ${inline(actor)}\n\n` +
    'Written by shiplog, newest first: one section per finished stretch of work.\n\n'
  );
}

/** The offset of the first marker line, or null. */
function firstMarkerAt(text: string): number | null {
  let at = 0;
  for (const line of text.split('\n')) {
    if (MARKER.test(line)) return at;
    at += line.length + 1;
  }
  return null;
}

export function renderSection(e: ChangelogEntry): string {
  const lines = [
    marker(e.run_id),
    `## ${inline(e.label)}`,
    '',
    `_${when(e.start, e.end)} · ${meta(e)}_`,
    '',
    inline(e.summary),
    '',
  ];
  for (const b of e.bullets) lines.push(`- ${inline(b)}`);
  lines.push('');
  for (const [name, value] of details(e)) lines.push(`**${name}:** ${value}`, '');
  return `${lines.join('\n')}`;
}

function meta(e: ChangelogEntry): string {
  const by = e.evaluator ? `, summary by ${e.evaluator}` : '';
  return `${e.tool} session ${code(e.transcript.session_id)}, window ${e.transcript.window_index}${by}`;
}

function details(e: ChangelogEntry): [string, string][] {
  const out: [string, string][] = [];
  const f = e.touched_files;
  const files = [
    ...(f.created.length > 0 ? [`created ${f.created.map(code).join(', ')}`] : []),
    ...(f.modified.length > 0 ? [`modified ${f.modified.map(code).join(', ')}`] : []),
    ...(f.deleted.length > 0 ? [`deleted ${f.deleted.map(code).join(', ')}`] : []),
    ...(f.moved.length > 0 ? [`moved ${f.moved.map((m) => `${code(m.from)} → ${code(m.to)}`).join(', ')}`] : []),
  ];
  if (files.length > 0) out.push(['Files', files.join('; ')]);
  if (e.tests.length > 0) out.push(['Tests', e.tests.map((t) => `${code(t.cmd)} (${t.result})`).join(', ')]);
  if (e.commits.length > 0)
    out.push(['Commits', e.commits.map((c) => `${code(c.hash.slice(0, 12))} ${inline(c.message)}`).join('; ')]);
  if (e.tags.length > 0) out.push(['Tags', e.tags.map(inline).join(', ')]);
  if (e.notes) out.push(['Notes', inline(e.notes)]);
  return out;
}

/** `2026-01-02 10:00–11:30 UTC`, or both dates when the window spans midnight. */
function when(start: string, end: string): string {
  const a = new Date(start).toISOString();
  const b = new Date(end).toISOString();
  const day = (iso: string) => iso.slice(0, 10);
  const time = (iso: string) => iso.slice(11, 16);
  if (day(a) === day(b)) return `${day(a)} ${time(a)}–${time(b)} UTC`;
  return `${day(a)} ${time(a)} – ${day(b)} ${time(b)} UTC`;
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/**
 * One line of text that renders as itself: whitespace runs (newlines included) become one space,
 * characters that would start HTML, code, links or emphasis are backslash-escaped (an underscore
 * inside a word is not: it cannot open emphasis there), and so is a first character that would
 * make the line a heading, a list item, a quote or a table.
 */
export function inline(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const escaped = flat
    .replace(/[\\`*<>[\]]/g, '\\$&')
    .replace(/_/g, (u, i: number, s: string) => (isWordChar(s[i - 1]) && isWordChar(s[i + 1]) ? u : '\\_'));
  const ordered = /^(\d+)([.)])/.exec(escaped);
  if (ordered) return `${ordered[1]}\\${escaped.slice(ordered[1]?.length)}`;
  return /^[#+\-=|~]/.test(escaped) ? `\\${escaped}` : escaped;
}

/** A code span that holds `text` whatever backticks it contains (CommonMark's fence rule). */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
