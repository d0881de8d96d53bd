/**
 * Text handling for the Claude Code adapter: telling what the human typed from harness output in
 * a user turn (wrappers, system reminders, interrupt markers, compaction summaries, slash
 * commands), reading tags and text items out of content, and the clipping helpers that keep ids,
 * labels and strings inside the limits without splitting a surrogate pair.
 */

import { stripClosedBlocks } from '../../adapters/common/bounded-state.js';
import { clipEnd } from '../../adapters/common/clip.js';
import { MAX_ID_CHARS, MAX_LABEL_CHARS } from '../../adapters/common/limits.js';

export { clipEnd, tail } from '../../adapters/common/clip.js';
import { TextBlock } from './records.js';

/**
 * Built-in slash commands that only act on the client (no model turn) or manage the session.
 * Any other slash command — custom commands (`/orchestrator …`), plugin commands
 * (`/plugin:cmd …`) and prompt-style built-ins (`/init`, `/review …`) — is what the human asked
 * the agent to do, so it becomes a prompt `/name args`. The expanded command body that follows
 * is an `isMeta` record and never a prompt, so the request is not counted twice.
 */
const CLIENT_COMMANDS = new Set([
  'add-dir',
  'agents',
  'bashes',
  'branch',
  'bug',
  'clear',
  'color',
  'compact',
  'config',
  'context',
  'copy',
  'cost',
  'doctor',
  'effort',
  'exit',
  'export',
  'extra-usage',
  'fast',
  'feedback',
  'fork',
  'help',
  'hooks',
  'ide',
  'install-github-app',
  'keybindings',
  'login',
  'logout',
  'mcp',
  'memory',
  'migrate-installer',
  'model',
  'output-style',
  'permissions',
  'plugin',
  'plugins',
  'privacy-settings',
  'quit',
  'release-notes',
  'rename',
  'reset',
  'resume',
  'rewind',
  'sandbox',
  'settings',
  'stats',
  'status',
  'statusline',
  'tasks',
  'terminal-setup',
  'theme',
  'todos',
  'upgrade',
  'usage',
  'vim',
]);

/** Harness wrappers around text in user records that the human did not type as a prompt. */
const WRAPPER_PREFIXES = [
  '<command-name>',
  '<command-message>',
  '<command-args>',
  '<local-command-stdout>',
  '<local-command-stderr>',
  '<local-command-caveat>',
  '<bash-input>', // `!cmd` shell mode: the human ran a command, not a prompt
  '<bash-stdout>',
  '<bash-stderr>',
  '<user-memory-input>', // `#note` memory mode
];

/**
 * The notice the client writes on a line of its own when the user interrupts a turn
 * (`[Request interrupted by user]`, `… for tool use]`). It is not what the user typed: the line
 * goes, and whatever the user did type beside it stays.
 */
const INTERRUPT_LINE = /^[ \t]*\[Request interrupted by user[^\n\]]*\][ \t]*$/gm;
/** Start of a compaction summary, for versions that do not flag it with `isCompactSummary`. */
const COMPACT_SUMMARY_PREFIX = 'This session is being continued from a previous conversation';

export function clipId(value: string | undefined): string | undefined {
  return value !== undefined && value.length > 0 && value.length <= MAX_ID_CHARS ? value : undefined;
}

export function clipLabel(value: string | undefined): string | undefined {
  return value === undefined ? undefined : clipEnd(value, MAX_LABEL_CHARS);
}

/** `<name>…</name>` contents, found with indexOf (linear even on huge hostile strings). */
export function tagContent(text: string, name: string, allowUnclosed = false): string | undefined {
  const open = `<${name}>`;
  const start = text.indexOf(open);
  if (start < 0) return undefined;
  const from = start + open.length;
  const end = text.indexOf(`</${name}>`, from);
  if (end < 0) return allowUnclosed ? text.slice(from) : undefined;
  return text.slice(from, end);
}

/**
 * Remove every `<system-reminder>…</system-reminder>` block. Injected reminders are always
 * closed; an unclosed tag is something the human typed ("fix the <system-reminder> bug") and stays.
 */
function stripSystemReminders(text: string): string {
  const open = '<system-reminder>';
  const close = '</system-reminder>';
  let out = '';
  let pos = 0;
  for (;;) {
    const start = text.indexOf(open, pos);
    if (start < 0) return out + text.slice(pos);
    out += text.slice(pos, start);
    const end = text.indexOf(close, start + open.length);
    if (end < 0) return out + text.slice(start);
    pos = end + close.length;
  }
}

/** The notice the 2.1.330 client puts before a subagent's report, ending its frame. */
const HAND_BACK = '[Subagent hand-back]';
const REPORT_FOLLOWS = 'The report follows:';

/** Without what the client appends after a report: `agentId: …` and a `<usage>…</usage>` block. */
function withoutTrailer(text: string): string {
  let out = text.trimEnd();
  if (out.endsWith('</usage>')) {
    const open = out.lastIndexOf('<usage>');
    if (open >= 0) out = out.slice(0, open).trimEnd();
  }
  const nl = out.lastIndexOf('\n');
  if (/^[ \t]*agentId: [^\n]*$/.test(out.slice(nl + 1))) out = out.slice(0, Math.max(0, nl));
  return out;
}

/**
 * A subagent's report as the subagent wrote it. 2.1.330 frames a hand-back for the model: a
 * `<tools-used-before-summary>` list, a `[Subagent hand-back] … The report follows:` notice, the
 * report indented by two spaces, then `agentId: …` and a `<usage>` block. None of that is the
 * report; a report without the frame is returned as it is, trimmed.
 */
export function reportText(raw: string): string {
  let text = stripClosedBlocks(raw, 'tools-used-before-summary');
  // The client's notice starts a line; the report's own lines are indented, so a notice-like
  // line inside a report is not taken for the frame.
  const notice = text.startsWith(HAND_BACK) ? 0 : text.indexOf(`\n${HAND_BACK}`);
  const follows = notice < 0 ? -1 : text.indexOf(REPORT_FOLLOWS, notice);
  const bodyStart = follows < 0 ? -1 : text.indexOf('\n', follows);
  if (bodyStart >= 0) {
    // The harness indents every line of the report; only that indentation is taken off.
    text = withoutTrailer(text.slice(bodyStart + 1)).replace(/^ {2}/gm, '');
  }
  return text.trim();
}

/** Text items of a content array (`{type:"text", text}`); images and anything else ignored. */
export function textItems(items: readonly unknown[]): string[] {
  const texts: string[] = [];
  for (const item of items) {
    const parsed = TextBlock.safeParse(item);
    if (parsed.success) texts.push(parsed.data.text);
  }
  return texts;
}

/** What the human typed, or undefined when the text is harness output of some kind. */
export function promptText(raw: string): string | undefined {
  const text = stripSystemReminders(raw).replace(INTERRUPT_LINE, '').trim();
  if (text === '') return undefined;
  if (text.startsWith(COMPACT_SUMMARY_PREFIX)) return undefined;
  if (text.startsWith('<command-name>') || text.startsWith('<command-message>') || text.startsWith('<command-args>')) {
    return slashCommandPrompt(text);
  }
  if (WRAPPER_PREFIXES.some((prefix) => text.startsWith(prefix))) return undefined;
  return text;
}

/** `/name args` for commands that ask the agent to do something; see CLIENT_COMMANDS. */
function slashCommandPrompt(text: string): string | undefined {
  const name = tagContent(text, 'command-name')?.trim().replace(/^\/+/, '');
  if (name === undefined || name === '' || CLIENT_COMMANDS.has(name)) return undefined;
  const args = tagContent(text, 'command-args')?.trim() ?? '';
  return args === '' ? `/${name}` : `/${name} ${args}`;
}
