import type { ChangelogEntry } from '../changelog/schema.js';
import { relevance, type DigestItem } from '../changelog/digest-item.js';
import { oneLine } from '../kit/text-lines.js';
import type { OpenWindow } from '../changelog/window.js';

/**
 * The text an LLM evaluator reads for one window: the facts computed locally (files, tests,
 * commits), the prompts before the window as context, then the window's own conversation in
 * order, within a character budget. The "budget" variant, for a retry after an overflow or a
 * timeout, keeps fewer prompts and only the most telling tool calls (edits, tests, errors, git).
 */
export interface Digests {
  full: string;
  budget: string;
}

export type DigestFacts = Pick<
  ChangelogEntry,
  'project' | 'start' | 'end' | 'touched_files' | 'tests' | 'commits' | 'continuation_of_run_id'
>;

const BUDGET = { prompts: 3, tools: 25, replies: 2 } as const;

export function renderDigests(w: OpenWindow, facts: DigestFacts, chars: number): Digests {
  return {
    full: render(w.digest, w.context, facts, chars),
    budget: render(budgetItems(w.digest), w.context.slice(-1), facts, Math.max(1500, Math.floor(chars / 3))),
  };
}

function render(items: DigestItem[], context: string[], facts: DigestFacts, chars: number): string {
  const head = header(facts, context);
  const room = chars - head.length;
  const lines = items.map(line);
  // Over the budget: leave out the least telling items (the oldest first among equals), until
  // what is left, with its "left out" markers, fits.
  const keep = new Array<boolean>(items.length).fill(true);
  const order = items.map((it, i) => ({ i, r: relevance(it) })).sort((a, b) => a.r - b.r || a.i - b.i);
  let total = lines.reduce((n, l) => n + l.length + 1, 0);
  let body = join(lines, keep);
  for (let k = 0; body.length > room && k < order.length; k++) {
    const i = (order[k] as { i: number }).i;
    keep[i] = false;
    total -= (lines[i] as string).length + 1;
    if (total <= room) body = join(lines, keep);
  }
  // A single item larger than the whole budget is cut rather than sent.
  return `${head}${body.length > room ? `${body.slice(0, Math.max(0, room - 1))}…` : body}`;
}

function join(lines: string[], keep: boolean[]): string {
  const out: string[] = [];
  let omitted = 0;
  const flush = () => {
    if (omitted > 0) out.push(`(${omitted} less relevant item${omitted === 1 ? '' : 's'} left out)`);
    omitted = 0;
  };
  lines.forEach((l, i) => {
    if (keep[i]) {
      flush();
      out.push(l);
    } else omitted++;
  });
  flush();
  return out.join('\n');
}

function header(f: DigestFacts, context: string[]): string {
  const h: string[] = [];
  h.push(`Project: ${f.project}${f.continuation_of_run_id ? ' (continues the work of an earlier entry)' : ''}`);
  h.push(`Time: ${f.start} to ${f.end}`);
  const t = f.touched_files;
  if (t.created.length) h.push(`Files created: ${list(t.created)}`);
  if (t.modified.length) h.push(`Files modified: ${list(t.modified)}`);
  if (t.deleted.length) h.push(`Files deleted: ${list(t.deleted)}`);
  if (t.moved.length) h.push(`Files moved: ${list(t.moved.map((m) => `${m.from} -> ${m.to}`))}`);
  if (f.tests.length)
    h.push(
      `Tests: ${f.tests
        .slice(-10)
        .map((x) => `\`${x.cmd}\` ${x.result}`)
        .join('; ')}`,
    );
  if (f.commits.length) h.push(`Commits: ${f.commits.map((c) => `${c.hash.slice(0, 12)} ${c.message}`).join('; ')}`);
  if (context.length) {
    h.push('', 'Earlier prompts in this session (context only, already covered by earlier entries):');
    for (const p of context) h.push(`- ${oneLine(p)}`);
  }
  h.push('', 'This window, in order (command output left out, except the end of what failed calls printed):');
  return `${h.join('\n')}\n`;
}

function line(item: DigestItem): string {
  switch (item.k) {
    case 'prompt':
      return `[user] ${item.text}`;
    case 'reply':
      return `[assistant] ${item.text}`;
    case 'subagent':
      return `[subagent report] ${item.text}`;
    case 'tool': {
      const base = `[tool] ${item.text}${item.failed ? '  (FAILED)' : ''}`;
      return item.tail ? `${base}\n    ${item.tail.split('\n').slice(-12).join('\n    ')}` : base;
    }
  }
}

/** Fewer prompts (the first and the last ones), only the most telling tool calls, the last replies. */
function budgetItems(items: DigestItem[]): DigestItem[] {
  const prompts = items.map((it, i) => (it.k === 'prompt' ? i : -1)).filter((i) => i >= 0);
  const keepPrompts = new Set([...prompts.slice(0, 1), ...prompts.slice(-(BUDGET.prompts - 1))]);
  const tools = items
    .map((it, i) => ({ it, i }))
    .filter(({ it }) => it.k === 'tool' || it.k === 'subagent')
    .sort((a, b) => relevance(b.it) - relevance(a.it) || b.i - a.i)
    .slice(0, BUDGET.tools)
    .map(({ i }) => i);
  const keepTools = new Set(tools);
  const replies = items.map((it, i) => (it.k === 'reply' ? i : -1)).filter((i) => i >= 0);
  const keepReplies = new Set(replies.slice(-BUDGET.replies));
  return items
    .filter((_, i) => keepPrompts.has(i) || keepTools.has(i) || keepReplies.has(i))
    .map((it) =>
      it.k === 'prompt'
        ? { ...it, text: it.text.slice(0, 800) }
        : it.k === 'reply'
          ? { ...it, text: it.text.slice(0, 600) }
          : it,
    );
}

function list(paths: string[]): string {
  return paths.length > 30 ? `${paths.slice(0, 30).join(', ')} and ${paths.length - 30} more` : paths.join(', ');
}
