import type { ChangelogEntry } from './schema.js';
import type { OpenWindow, Unfinished } from './window.js';
import { firstLine, oneLine } from '../kit/text-lines.js';
import { wordList } from '../word-list.js';

/**
 * The words of a heuristic entry: a label that says what was done, a summary of what changed and
 * how it ended, and bullets that are sentences, results first. Everything is read off the window's
 * facts (files, tests, commits, calls that did not finish); the prompts only name the work when
 * nothing better does, and the agent's last message is kept only where no result contradicts it.
 */

type Files = ChangelogEntry['touched_files'];

export const LABEL_MAX = 72;

/** Prompts that ask for nothing: they never name a window. */
const EMPTY_PROMPT =
  /^(?:\/\S+|continue|go on|go ahead|proceed|carry on|keep going|next|yes|yep|y|no|ok(?:ay)?|sure|thanks?(?: you)?|thx|ty|cool|great|nice|done|lgtm|(?:thanks|thank you)\b.*)[.!]*$/i;

export function labelOf(w: OpenWindow, files: Files): string {
  const subject = w.commits.map((c) => firstLine(c.message)).find((m) => m !== '');
  if (subject) return clipWords(subject, LABEL_MAX);
  const reply = outcomeReply(w);
  const trusted = trustedReply(w);
  // The reply of an interrupted turn reports on work that was abandoned.
  const result =
    trusted === null || reply === null || w.interrupted.includes(reply.turn) ? null : resultSentence(trusted);
  if (result) return clipWords(result, LABEL_MAX);
  const prompt = substantivePrompt(w);
  if (prompt) return clipWords(prompt, LABEL_MAX);
  // Nothing finished and nothing asked names the work: what became of it does.
  const unfinishedOnly =
    changedCount(files) === 0 && w.tests.length === 0 && w.commits.length === 0 ? w.failed[0] : undefined;
  if (unfinishedOnly) return clipWords(unfinishedSentence(unfinishedOnly).replace(/\.$/, ''), LABEL_MAX);
  return clipWords(filesLabel(files) ?? (capitalise(describeWork(w, files)) || 'Agent session'), LABEL_MAX);
}

/** The files changed, named: "Created a.ex, b.ex and 1 more file". */
function filesLabel(files: Files): string | null {
  const groups: [string, string[]][] = [
    ['Created', files.created],
    ['Modified', files.modified],
    ['Deleted', files.deleted],
    ['Moved', files.moved.map((m) => m.to)],
  ];
  const first = groups.find(([, paths]) => paths.length > 0);
  if (!first) return null;
  const names = first[1].slice(0, 2).map((p) => p.split('/').pop() || p);
  const rest = changedCount(files) - names.length;
  return rest > 0
    ? `${first[0]} ${names.join(', ')} and ${rest} more file${rest === 1 ? '' : 's'}`
    : `${first[0]} ${wordList(names, 'and')}`;
}

export function summaryOf(w: OpenWindow, files: Files): string {
  const changed = changedCount(files);
  const sentences: string[] = [];
  if (changed > 0) sentences.push(`Changed ${changed} file${changed === 1 ? '' : 's'} (${fileBreakdown(files)}).`);
  else if (finishedCommands(w) > 0)
    sentences.push(`Ran ${countOf(finishedCommands(w), 'command')} without changing a file.`);
  else if (w.commandCount > 0) sentences.push('No file changed.');
  else if (w.subagents.length > 0)
    sentences.push(`Handed the work to ${countOf(w.subagents.length, 'subagent')} without changing a file.`);
  else if (w.toolCount > 0) sentences.push(`Used ${countOf(w.toolCount, 'tool')} without changing a file.`);
  else sentences.push('A conversation without tool use.');
  const ending: string[] = [];
  const lastTest = w.tests[w.tests.length - 1];
  if (lastTest)
    ending.push(
      lastTest.result === 'pass'
        ? 'the tests passed'
        : lastTest.result === 'fail'
          ? 'the tests failed'
          : 'the tests ran without a known result',
    );
  if (w.commits.length > 0)
    ending.push(`the work was committed${w.commits.length > 1 ? ` in ${w.commits.length} commits` : ''}`);
  const failed = w.failed.filter((f) => f.outcome === 'failed').length;
  const refused = w.failed.filter((f) => f.outcome === 'refused').length;
  const stopped = w.failed.filter((f) => f.outcome === 'interrupted' || f.outcome === 'no result').length;
  if (failed > 0) ending.push(`${countOf(failed, 'call')} failed`);
  if (refused > 0) ending.push(`${countOf(refused, 'call')} ${refused === 1 ? 'was' : 'were'} refused`);
  if (stopped > 0)
    ending.push(`${countOf(stopped, 'call')} ${stopped === 1 ? 'was' : 'were'} interrupted or never finished`);
  if (ending.length > 0) sentences.push(`${capitalise(wordList(ending, 'and'))}.`);
  return sentences.join(' ');
}

export function bulletsOf(w: OpenWindow, files: Files): string[] {
  const bullets = [
    ...commitBullets(w),
    ...fileBullets(files),
    ...testBullets(w),
    ...subagentBullets(w),
    ...unfinishedBullets(w),
  ];
  // The commands not already named: tests, commits and unfinished calls each have their bullet.
  const otherCommands = finishedCommands(w) - w.tests.length - w.commits.length;
  if (otherCommands > 0) bullets.push(`Ran ${otherCommands} other shell command${otherCommands === 1 ? '' : 's'}.`);
  if (bullets.length === 0) {
    bullets.push(w.toolCount > 0 ? 'Looked around without changing a file.' : 'Discussion only; no file changed.');
  }
  return bullets.slice(0, 12);
}

function commitBullets(w: OpenWindow): string[] {
  return w.commits.slice(0, 3).map((c) => {
    const subject = firstLine(c.message);
    const what = subject ? `: ${sentence(subject)}` : '.';
    return c.hash ? `Committed ${c.hash}${what}` : `Committed${what}`;
  });
}

function fileBullets(files: Files): string[] {
  const bullets: string[] = [];
  const list = (verb: string, paths: string[]) => {
    if (paths.length > 0) bullets.push(`${verb} ${listOf(paths)}.`);
  };
  list('Created', files.created);
  list('Modified', files.modified);
  list('Deleted', files.deleted);
  if (files.moved.length > 0) {
    const moves = files.moved.slice(0, 6).map((m) => `\`${m.from}\` to \`${m.to}\``);
    const more = files.moved.length > 6 ? ` and ${files.moved.length - 6} more` : '';
    bullets.push(`Moved ${wordList(moves, 'and')}${more}.`);
  }
  return bullets;
}

/** One bullet per test command (the first three), with each of its runs' results in order. */
function testBullets(w: OpenWindow): string[] {
  const byCmd = new Map<string, string[]>();
  for (const t of w.tests) byCmd.set(t.cmd, [...(byCmd.get(t.cmd) ?? []), t.result]);
  return [...byCmd]
    .slice(0, 3)
    .map(([cmd, results]) => `The test \`${clip(oneLine(cmd), 120)}\` ${results.map(testWord).join(', then ')}.`);
}

function subagentBullets(w: OpenWindow): string[] {
  return w.subagents.slice(0, 3).map((s) => {
    const who = s.type ? `a subagent (${s.type})` : 'a subagent';
    if (!s.description) return `Handed part of the work to ${who}.`;
    return `Handed “${clip(oneLine(s.description), 120)}” to ${who}.`;
  });
}

function unfinishedBullets(w: OpenWindow): string[] {
  // Calls that change something each get a sentence; reads and searches that came to nothing
  // (a subagent's parallel reads cancelled together) change nothing, and are counted in one.
  const lookups = w.failed.filter((f) => LOOKUP.test(f.action));
  const effects = w.failed.filter((f) => !LOOKUP.test(f.action));
  const bullets = effects.slice(0, 6).map(unfinishedSentence);
  if (effects.length > 6) bullets.push(`${effects.length - 6} more calls did not finish as asked.`);
  if (lookups.length === 1 && lookups[0]) bullets.push(unfinishedSentence(lookups[0]));
  else if (lookups.length > 1) {
    const count = capitalise(countOf(lookups.length, 'read or search', 'reads or searches'));
    bullets.push(`${count} failed or were interrupted.`);
  }
  return bullets;
}

/** The agent's last message, unless a tool result contradicts it or it stops mid-thought. */
export function notesOf(w: OpenWindow): string | null {
  const reply = trustedReply(w);
  return reply === null ? null : clip(reply, 800);
}

/** Shell commands that ran to their end (unfinished ones are named in bullets of their own). */
function finishedCommands(w: OpenWindow): number {
  const unfinished = w.failed.filter((f) => /^(?:\[[^\]]+\] )?ran /.test(f.action)).length;
  return Math.max(0, w.commandCount - unfinished);
}

/** The message that reports the window's outcome: the last reply of a turn that did work, else the last reply. */
function outcomeReply(w: OpenWindow): { text: string; turn: number } | null {
  if (w.workReply) return w.workReply;
  return w.lastReply === null ? null : { text: w.lastReply, turn: w.prompts.length - 1 };
}

function trustedReply(w: OpenWindow): string | null {
  const reply = oneLine(outcomeReply(w)?.text ?? '');
  if (reply === '' || unfinished(reply)) return null;
  const done = Object.keys(w.files);
  for (const f of w.failed) {
    const target = targetOf(f.action);
    // A later call that did it (a retried edit) makes the claim true after all.
    if (target === null || done.some((p) => p === target || p.endsWith(`/${target}`))) continue;
    // The message names what did not happen: it must say so, or it claims the undone as done.
    for (const s of sentencesOf(reply))
      if (
        s.includes(target) &&
        !/\b(?:fail\w*|errors?|refus\w*|denied|not|never|unable|interrupt\w*|stopped|abort\w*|reject\w*)\b|n['’]t\b/i.test(
          s,
        )
      )
        return null;
  }
  return reply;
}

function describeWork(w: OpenWindow, files: Files): string {
  const bits: string[] = [];
  const changed = changedCount(files);
  if (changed > 0) bits.push(`changed ${changed} file${changed === 1 ? '' : 's'}`);
  if (w.tests.length > 0) {
    const last = w.tests[w.tests.length - 1];
    bits.push(`tests ${last?.result === 'pass' ? 'passing' : last?.result === 'fail' ? 'failing' : 'run'}`);
  }
  if (w.commits.length > 0) bits.push(`${w.commits.length} commit${w.commits.length === 1 ? '' : 's'}`);
  if (bits.length === 0 && w.commandCount > 0)
    bits.push(`ran ${w.commandCount} command${w.commandCount === 1 ? '' : 's'}`);
  return bits.join(', ');
}

function unfinishedSentence(f: Unfinished): string {
  const what = nounPhrase(f.action);
  const why = f.reason ? ` (${f.reason})` : '';
  switch (f.outcome) {
    case 'failed':
      return `${what} failed${why}.`;
    case 'refused':
      return `${what} was refused${why}.`;
    case 'interrupted':
      return `${what} was interrupted${why}.`;
    case 'no result':
      return `${what} never finished.`;
  }
}

/** `edited a.ts` → `The edit of \`a.ts\``: a devlog action as the subject of a sentence. */
function nounPhrase(action: string): string {
  const who = /^\[([^\]]+)\] /.exec(action);
  const rest = who ? action.slice(who[0].length) : action;
  const by = who ? (who[1] === 'subagent' ? ' by a subagent' : ` by a subagent (${who[1]})`) : '';
  const m = /^(edited|created|deleted|read|ran|moved|searched for|fetched|used) (.+)$/.exec(rest);
  if (!m) return `\`${clip(rest, 120)}\`${by}`;
  const object = clip(m[2] ?? '', 120);
  switch (m[1]) {
    case 'edited':
      return `The edit of \`${object}\`${by}`;
    case 'created':
      return `The write to \`${object}\`${by}`;
    case 'deleted':
      return `The deletion of \`${object}\`${by}`;
    case 'read':
      return `The read of \`${object}\`${by}`;
    case 'ran':
      return `The command \`${object}\`${by}`;
    case 'moved': {
      // `moved a.js to b.js`: both paths are code.
      const [from, to] = object.split(' to ');
      return to !== undefined && from !== undefined
        ? `The move of \`${from}\` to \`${to}\`${by}`
        : `The move of \`${object}\`${by}`;
    }
    case 'searched for':
      return `The search for \`${object}\`${by}`;
    case 'fetched':
      return `The fetch of \`${object}\`${by}`;
    default:
      return `The ${object} call${by}`;
  }
}

/** The path or command an action names, for matching it in the agent's words. */
function targetOf(action: string): string | null {
  const m = /^(?:\[[^\]]+\] )?(?:edited|created|deleted|read|ran|moved) (.+)$/.exec(action);
  if (!m?.[1]) return null;
  const target = m[1].split(' ')[0] ?? '';
  const base = target.split('/').pop() ?? '';
  return base.length >= 3 ? base : null;
}

/**
 * What the final reply says was achieved, as a label: its first sentence when that states a
 * result (not an intention or a question), cut to its first clause that does not report a failure
 * ("The first patch did not apply (…); the retry added the comma…" → "The retry added the comma…").
 */
function resultSentence(reply: string | null): string | null {
  if (reply === null) return null;
  // Markdown emphasis and headings are layout, not words: "## Beads Created", "**Summary:** Created…".
  const plain = oneLine(reply.replace(/\*\*|__/g, '').replace(/(^|\s)#{1,6}\s+/g, '$1'));
  const first = sentencesOf(plain)
    .slice(0, 3)
    .find((s) => !FILLER.test(s));
  if (!first || first.length < 8 || first.endsWith('?') || first.endsWith(':')) return null;
  if (
    /^(let me|let's|i'll|i will|i'm going|i am going|now i|next,? i|first,? i|sure|ok(ay)?|hi|hello|hey|thanks|you're welcome)\b/i.test(
      first,
    )
  )
    return null;
  const text = first.replace(/[.!。！]+$/, '').replace(/^(?:summary|result|outcome|done|tl;?dr)\s*:\s*/i, '');
  if (text.length <= LABEL_MAX) return text;
  const clauses = clausesOf(text).filter((c) => c.length >= MIN_CLAUSE);
  const achieved = clauses.find((c) => !REPORTS_FAILURE.test(c));
  // A clause may open with a file name (app.txt, calc.sh): only a plain word takes a capital.
  return achieved === undefined ? text : /^[a-z]+(?:\s|$)/.test(achieved) ? capitalise(achieved) : achieved;
}

/**
 * A sentence cut at its clause breaks ("; ", ": ", " — ", a parenthesis), except inside a code span:
 * "set as `threshold: 0.9` in the config" is one clause.
 */
function clausesOf(text: string): string[] {
  const clauses: string[] = [];
  let from = 0;
  for (const m of text.matchAll(/`[^`]*`|;\s+|\s+\([^)]*\)|:\s+|\s[—–]\s/g)) {
    if (m[0].startsWith('`')) continue;
    clauses.push(text.slice(from, m.index));
    from = m.index + m[0].length;
  }
  clauses.push(text.slice(from));
  return clauses.map((c) => c.trim());
}

/** A sentence that says the work is done without saying what it was. */
const FILLER =
  /^(?:i(?:'ve| have)? )?(?:fully |successfully |now |all )?(?:completed|finished|done)(?: (?:the|this|your|all|that) (?:task|work|request|changes?))?(?: successfully)?[.!]?$/i;

/** Devlog actions that only look: their failure changes nothing. */
const LOOKUP = /^(?:\[[^\]]+\] )?(?:read|searched for|fetched|listed) /;

/** The shortest clause worth a label. */
const MIN_CLAUSE = 16;

/** A clause about what did not happen does not name the work. */
const REPORTS_FAILURE = /\b(?:not|never|nothing|fail\w*|refus\w*|unable|errors?|denied)\b|n['’]t\b/i;

/** The longest prompt that asks for something, from a turn that was not interrupted. */
function substantivePrompt(w: OpenWindow): string | null {
  let best: string | null = null;
  w.prompts.forEach((p, i) => {
    // A slash command names the work only through its arguments (`/orchestrator update CLAUDE.md`).
    const text = oneLine(p).replace(/^\/\S+\s*/, '');
    if (w.interrupted.includes(i) || text === '' || EMPTY_PROMPT.test(text)) return;
    if (best === null || text.length > best.length) best = text;
  });
  return best === null ? null : capitalise(best);
}

/** The reply stops mid-thought: it announces a next step or breaks off. */
function unfinished(reply: string): boolean {
  const sentences = sentencesOf(reply);
  const last = sentences[sentences.length - 1] ?? '';
  // A reply may end in a list or a code span without a full stop; one that announces its next
  // step, or breaks off at a colon or an ellipsis, has not reached its outcome.
  return /^(let me|let's|i'll|i will|now (i|let)|next,? i)\b/i.test(last) || /[:：,]$|\.\.\.$|…$/.test(last);
}

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z`"“(])|(?<=[。！？])/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function testWord(result: string): string {
  return result === 'pass' ? 'passed' : result === 'fail' ? 'failed' : 'ran with no known result';
}

function fileBreakdown(files: Files): string {
  const parts: string[] = [];
  if (files.created.length > 0) parts.push(`${files.created.length} created`);
  if (files.modified.length > 0) parts.push(`${files.modified.length} modified`);
  if (files.deleted.length > 0) parts.push(`${files.deleted.length} deleted`);
  if (files.moved.length > 0) parts.push(`${files.moved.length} moved`);
  return parts.join(', ');
}

function changedCount(files: Files): number {
  return files.created.length + files.modified.length + files.deleted.length + files.moved.length;
}

function countOf(n: number, noun: string, plural = `${noun}s`): string {
  const words = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
  return `${words[n] ?? String(n)} ${n === 1 ? noun : plural}`;
}

function listOf(paths: string[]): string {
  const shown = paths.slice(0, 6).map((p) => `\`${p}\``);
  if (paths.length > 6) return `${shown.join(', ')} and ${paths.length - 6} more`;
  return wordList(shown, 'and');
}

/** Ends a clause as a sentence: a full stop unless it already ends in sentence punctuation. */
function sentence(s: string): string {
  const t = clip(oneLine(s), 160);
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).trimEnd()}…`;
}

/** Clips at a word boundary, so a label never ends mid-word. */
function clipWords(s: string, max: number): string {
  const t = oneLine(s);
  if (t.length <= max) return t;
  let cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  if (space > max / 2) cut = cut.slice(0, space);
  // A code span cut open would run on into whatever shows the label: end before it, or, when
  // little would be left ("The command…"), cut inside the span and close it after the ellipsis.
  if (oddTicks(cut)) {
    const open = cut.lastIndexOf('`');
    if (open > max / 2) cut = cut.slice(0, open);
    else {
      // Past the last word break the span may close after all: then nothing is left open.
      const inside = t.slice(0, max - 2).trimEnd();
      return oddTicks(inside) ? `${inside}…\`` : `${inside}…`;
    }
  }
  return `${cut.replace(/[\s,;:.-]+$/, '')}…`;
}

const oddTicks = (s: string): boolean => (s.match(/`/g) ?? []).length % 2 === 1;
