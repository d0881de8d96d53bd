import { posix } from 'node:path';
import { z } from 'zod';
import type { AgentEvent, EventOf, FileChange, Subagent } from '../events.js';
import type { Adapter, LineContext, ParseResult } from './adapter.js';

/**
 * Claude Code transcript adapter: one JSONL record in, common events out.
 *
 * Format facts (shared/reference/claude-code.md §8–13): records are `user`, `assistant` and
 * `system` plus a long, growing list of metadata types; one API message is split into one record
 * per content block (all sharing `message.id`); 1.0.x writes subagents inline as
 * `isSidechain: true` records, 2.1.x into `<session>/subagents/agent-<id>.jsonl`; 2.1.330 runs
 * subagents in the background and reports them later in a `<task-notification>` user turn. The
 * format is internal and changes between versions, so every schema here is loose: unknown fields
 * are ignored, a field of the wrong type counts as absent, and only a record whose core shape is
 * unusable becomes a `skipped` event.
 */

// ---------------------------------------------------------------------------------------------
// Limits. They keep the state small whatever the transcript, and events sane whatever the line.

/** Entries kept in each state list (seen uuids, agent calls, background agents). */
const STATE_LIST_CAP = 2000;
/** Ids longer than this are not remembered: real ids are ~40 chars; a huge one is hostile. */
const MAX_ID_CHARS = 256;
/** Longest cwd remembered in state. */
const MAX_CWD_CHARS = 4096;
/** Longest agent type / description remembered in state. */
const MAX_LABEL_CHARS = 300;
/** Tail of tool output kept in `tool_result.output`. */
const OUTPUT_TAIL_CHARS = 2000;
/** Length of a shell command, search pattern or path inside an action string. */
const ACTION_PART_CHARS = 200;
/** Hard cap on a whole action string. */
const ACTION_MAX_CHARS = 400;
/** Longest tool name / record type echoed back into events. */
const MAX_NAME_CHARS = 100;
/** Bash commands longer than this are never inspected for rm/mv. */
const MAX_FILE_OP_COMMAND_CHARS = 4096;

// ---------------------------------------------------------------------------------------------
// State

const AgentCall = z.object({
  /** tool_use id of the Task/Agent call. */
  callId: z.string(),
  agentType: z.string().optional(),
  description: z.string().optional(),
  /** Learned from the result or from 2.1.38/39 `agent_progress` records. */
  agentId: z.string().optional(),
});

const BackgroundAgent = z.object({
  agentId: z.string(),
  agentType: z.string().optional(),
  description: z.string().optional(),
});

export const claudeCodeStateSchema = z.object({
  version: z.literal(1),
  /** Whether a `session` event was emitted, and for which session id ('' = none known). */
  sessionEmitted: z.boolean(),
  sessionId: z.string().optional(),
  /** First cwd seen: the project folder that file paths are made relative to. */
  rootCwd: z.string().optional(),
  /** Ring of user/assistant/system record uuids already processed, oldest first. */
  seenUuids: z.array(z.string()),
  /** Task/Agent calls, oldest first, so their results can name the subagent type. */
  agentCalls: z.array(AgentCall),
  /** 2.1.330 background agents launched and not necessarily finished, oldest first. */
  backgroundAgents: z.array(BackgroundAgent),
});
export type ClaudeCodeState = z.infer<typeof claudeCodeStateSchema>;
type AgentCall = z.infer<typeof AgentCall>;
type BackgroundAgent = z.infer<typeof BackgroundAgent>;

function initialState(): ClaudeCodeState {
  return {
    version: 1,
    sessionEmitted: false,
    seenUuids: [],
    agentCalls: [],
    backgroundAgents: [],
  };
}

/** Append to a bounded list without touching the original: the oldest entries fall off. */
function pushBounded<T>(list: readonly T[], item: T): T[] {
  const next = [...list, item];
  return next.length > STATE_LIST_CAP ? next.slice(next.length - STATE_LIST_CAP) : next;
}

// ---------------------------------------------------------------------------------------------
// Record schemas. Loose objects; peripheral fields fall back to `undefined` when mistyped.

const optString = z.string().optional().catch(undefined);
const optBoolean = z.boolean().optional().catch(undefined);
const optNumber = z.number().optional().catch(undefined);

/** Fields shared by message records. */
const Envelope = z.looseObject({
  type: z.string(),
  uuid: optString,
  timestamp: optString,
  sessionId: optString,
  cwd: optString,
  gitBranch: optString,
  version: optString,
  isSidechain: optBoolean,
  isMeta: optBoolean,
  isCompactSummary: optBoolean,
  isVisibleInTranscriptOnly: optBoolean,
  agentId: optString,
});
type Envelope = z.infer<typeof Envelope>;

const Content = z.union([z.string(), z.array(z.unknown())]);

const UserRecord = z.looseObject({
  message: z.looseObject({ content: Content }),
  toolUseResult: z.unknown().optional(),
  /** 2.1.330: `{kind: "task-notification"}` on background-task reports. */
  origin: z.looseObject({ kind: optString }).optional().catch(undefined),
});
type UserRecord = z.infer<typeof UserRecord>;

const AssistantRecord = z.looseObject({
  message: z.looseObject({ id: optString, model: optString, content: Content }),
});
type AssistantRecord = z.infer<typeof AssistantRecord>;

const SystemRecord = z.looseObject({ subtype: optString });

const ProgressRecord = z.looseObject({
  parentToolUseID: optString,
  data: z.looseObject({ type: optString, agentId: optString }).optional().catch(undefined),
});

const TypedBlock = z.looseObject({ type: z.string() });
const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
const ToolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown().optional(),
});
type ToolUseBlock = z.infer<typeof ToolUseBlock>;
const ToolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.unknown())]).optional().catch(undefined),
  is_error: optBoolean,
});
type ToolResultBlock = z.infer<typeof ToolResultBlock>;

/** Tool inputs: only the fields the devlog needs. */
const FilePathInput = z.looseObject({ file_path: z.string() });
const NotebookInput = z.looseObject({ notebook_path: z.string() });
const BashInput = z.looseObject({ command: z.string() });
const SearchInput = z.looseObject({ pattern: z.string(), path: optString });
const AgentInput = z.looseObject({ subagent_type: optString, description: optString });

/** `toolUseResult` shapes (a plain string on errors, which these simply do not match). */
const WriteResult = z.looseObject({ type: z.string(), filePath: z.string() });
const AgentResult = z.looseObject({
  agentId: optString,
  agentType: optString,
  description: optString,
  status: optString,
  isAsync: optBoolean,
  content: z.array(z.unknown()).optional().catch(undefined),
  totalDurationMs: optNumber,
});
type AgentResult = z.infer<typeof AgentResult>;
const ExitCodeResult = z.looseObject({ exitCode: z.number().int().min(-2147483648).max(2147483647) });

// ---------------------------------------------------------------------------------------------
// Record types we know and deliberately ignore: they yield no events and are not "skipped".

const IGNORED_TYPES = new Set([
  'progress', // 2.1.38/39 hook/bash/agent progress; agent_progress only teaches agentId links
  'file-history-snapshot',
  'file-history-delta',
  'attachment',
  'queue-operation',
  'last-prompt',
  'summary', // 1.0.x session title
  'permission-mode',
  'mode',
  'ai-title',
  'custom-title',
  'tag',
  'cost-state',
  'tools-used',
  'api-request',
  'api-request-blob',
  'api-request-shape',
  'atis-latch',
  'worktree-state',
  'pr-link',
  'continued-in',
]);

/**
 * Built-in slash commands that only act on the client (no model turn) or manage the session.
 * Any other slash command — custom commands (`/orchestrator …`), plugin commands
 * (`/plugin:cmd …`) and prompt-style built-ins (`/init`, `/review …`) — is what the human asked
 * the agent to do, so it becomes a prompt `/name args`. The expanded command body that follows
 * is an `isMeta` record and never a prompt, so the request is not counted twice.
 */
const CLIENT_COMMANDS = new Set([
  'add-dir', 'agents', 'bashes', 'branch', 'bug', 'clear', 'color', 'compact', 'config', 'context',
  'copy', 'cost', 'doctor', 'effort', 'exit', 'export', 'extra-usage', 'fast', 'feedback', 'fork',
  'help', 'hooks', 'ide', 'install-github-app', 'keybindings', 'login', 'logout', 'mcp', 'memory',
  'migrate-installer', 'model', 'output-style', 'permissions', 'plugin', 'plugins',
  'privacy-settings', 'quit', 'release-notes', 'rename', 'reset', 'resume', 'rewind', 'sandbox',
  'settings', 'stats', 'status', 'statusline', 'tasks', 'terminal-setup', 'theme', 'todos',
  'upgrade', 'usage', 'vim',
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

/** Marker text the client writes when the user interrupts a turn. */
const INTERRUPT_PREFIX = '[Request interrupted by user';
/** Start of a compaction summary, for versions that do not flag it with `isCompactSummary`. */
const COMPACT_SUMMARY_PREFIX = 'This session is being continued from a previous conversation';

// ---------------------------------------------------------------------------------------------
// Small pure helpers

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drop `undefined` properties so events compare and serialise cleanly. */
function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

function clipId(value: string | undefined): string | undefined {
  return value !== undefined && value.length > 0 && value.length <= MAX_ID_CHARS ? value : undefined;
}

function clipLabel(value: string | undefined): string | undefined {
  return value === undefined ? undefined : clipEnd(value, MAX_LABEL_CHARS);
}

/** Cut to at most `max` chars with a trailing `…`, never splitting a surrogate pair. */
function clipEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** The last `max` chars, never starting inside a surrogate pair. */
function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(text.length - max);
  if (/^[\uDC00-\uDFFF]/.test(cut)) cut = cut.slice(1);
  return cut;
}

/** Collapse all whitespace (newlines included) so a command fits on one devlog line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function skipped(reason: string): EventOf<'skipped'> {
  return { kind: 'skipped', reason };
}

/** `<name>…</name>` contents, found with indexOf (linear even on huge hostile strings). */
function tagContent(text: string, name: string, allowUnclosed = false): string | undefined {
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

/** Text items of a content array (`{type:"text", text}`); images and anything else ignored. */
function textItems(items: readonly unknown[]): string[] {
  const texts: string[] = [];
  for (const item of items) {
    const parsed = TextBlock.safeParse(item);
    if (parsed.success) texts.push(parsed.data.text);
  }
  return texts;
}

// ---------------------------------------------------------------------------------------------
// Paths

interface PathBase {
  /** The record's own cwd (where relative paths and shell commands start). */
  cwd: string | undefined;
  /** The session's project folder (first cwd seen). */
  root: string | undefined;
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\\\') || /^[A-Za-z]:[\\/]/.test(p);
}

function trimTrailingSeparators(p: string): string {
  const trimmed = p.replace(/[\\/]+$/, '');
  return trimmed === '' ? p.slice(0, 1) : trimmed;
}

/** `abs` relative to `dir` when it lies inside it ('.' for the folder itself), else undefined. */
function relativeInside(abs: string, dir: string): string | undefined {
  const base = trimTrailingSeparators(dir);
  if (abs === base) return '.';
  if (base === '/') return abs.startsWith('/') ? abs.slice(1) : undefined;
  for (const sep of ['/', '\\']) {
    if (abs.startsWith(base + sep)) return abs.slice(base.length + 1);
  }
  return undefined;
}

/**
 * A path as the devlog shows it: relative to the session's project folder when inside it, else
 * as given. The project folder (first cwd) is used rather than each record's cwd because 1.0.x
 * records follow `cd` inside subagents (one corpus file wanders through three cwds), and
 * `types/todo.ts` relative to a wandering cwd would be ambiguous. Relative input paths (shell
 * operands) are resolved against the record's cwd first.
 */
function repoPath(raw: string, base: PathBase): string {
  const p = trimTrailingSeparators(raw);
  const root = base.root ?? base.cwd;
  if (isAbsolutePath(p)) return (root !== undefined && relativeInside(p, root)) || p;
  const cwd = base.cwd;
  if (cwd === undefined || root === undefined || cwd === root || !cwd.startsWith('/')) {
    return posix.normalize(p).replace(/\/+$/, '') || p;
  }
  const abs = posix.join(cwd, p);
  return relativeInside(abs, root) ?? abs;
}

// ---------------------------------------------------------------------------------------------
// Shell commands that delete or move files

type ShellFileOp = { verb: 'deleted'; paths: string[] } | { verb: 'moved'; from: string; to: string };

/** Shell metacharacters that make a command more than one plain invocation with plain paths. */
const SHELL_SPECIAL = /[\n\r;&|<>()$`\\*?[\]{}~!#]/;

/** Split a command into words, honouring simple quotes; undefined if quotes are unbalanced. */
function shellWords(command: string): string[] | undefined {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: string | undefined;
  for (const ch of command) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) return undefined;
  if (inWord) words.push(current);
  return words;
}

interface FileOpGrammar {
  /** Single-letter flags allowed (combined like `-rf`). */
  shortFlags: string;
  longFlags: ReadonlySet<string>;
}

const RM_GRAMMAR: FileOpGrammar = {
  shortFlags: 'frRvdI',
  longFlags: new Set(['--force', '--recursive', '--verbose', '--dir']),
};
// `git rm --cached` and `-n` keep the file on disk, so they are deliberately not allowed.
const GIT_RM_GRAMMAR: FileOpGrammar = { shortFlags: 'rfq', longFlags: new Set(['--force', '--quiet']) };
// `mv -n` may leave the file where it was, so it is not allowed.
const MV_GRAMMAR: FileOpGrammar = { shortFlags: 'fvi', longFlags: new Set(['--force', '--verbose']) };
const GIT_MV_GRAMMAR: FileOpGrammar = { shortFlags: 'fv', longFlags: new Set(['--force', '--verbose']) };

/** Operands after the flags, or undefined when a flag is outside the grammar. */
function operands(words: readonly string[], grammar: FileOpGrammar): string[] | undefined {
  const out: string[] = [];
  let flagsDone = false;
  for (const word of words) {
    if (!flagsDone && word === '--') {
      flagsDone = true;
    } else if (!flagsDone && word.startsWith('--')) {
      if (!grammar.longFlags.has(word)) return undefined;
    } else if (!flagsDone && word.startsWith('-') && word.length > 1) {
      for (const letter of word.slice(1)) if (!grammar.shortFlags.includes(letter)) return undefined;
    } else if (word === '') {
      return undefined;
    } else {
      out.push(word);
    }
  }
  return out;
}

/**
 * `rm a b`, `git rm -r dir`, `mv a b`, `git mv a b` with plain paths only. Anything with globs,
 * variables, pipes, chains or unknown flags is not "clearly" a deletion and stays `ran …`.
 */
function shellFileOp(command: string): ShellFileOp | undefined {
  if (command.length > MAX_FILE_OP_COMMAND_CHARS || SHELL_SPECIAL.test(command)) return undefined;
  const words = shellWords(command.trim());
  if (words === undefined) return undefined;
  const [first, second] = words;
  let verb: string | undefined;
  let grammar: FileOpGrammar;
  let rest: string[];
  if (first === 'git' && (second === 'rm' || second === 'mv')) {
    verb = second;
    grammar = second === 'rm' ? GIT_RM_GRAMMAR : GIT_MV_GRAMMAR;
    rest = words.slice(2);
  } else if (first === 'rm' || first === 'mv') {
    verb = first;
    grammar = first === 'rm' ? RM_GRAMMAR : MV_GRAMMAR;
    rest = words.slice(1);
  } else {
    return undefined;
  }
  const paths = operands(rest, grammar);
  if (paths === undefined) return undefined;
  if (verb === 'rm') return paths.length > 0 ? { verb: 'deleted', paths } : undefined;
  const [from, to] = paths;
  return paths.length === 2 && from !== undefined && to !== undefined
    ? { verb: 'moved', from, to }
    : undefined;
}

// ---------------------------------------------------------------------------------------------
// Tool calls → devlog actions

interface ToolSummary {
  action: string;
  files: FileChange[];
  command?: string;
}

const EDIT_TOOLS = new Set(['Edit', 'MultiEdit', 'Write']);
const SEARCH_TOOLS = new Set(['Grep', 'Glob']);
const AGENT_TOOLS = new Set(['Task', 'Agent']);

function summarizeBash(command: string, base: PathBase): ToolSummary {
  const op = shellFileOp(command);
  if (op?.verb === 'deleted') {
    const paths = op.paths.map((p) => repoPath(p, base));
    return {
      action: `deleted ${clipEnd(paths.join(', '), ACTION_PART_CHARS)}`,
      files: paths.map((path) => ({ path, op: 'deleted' as const })),
      command,
    };
  }
  if (op?.verb === 'moved') {
    const from = repoPath(op.from, base);
    const to = repoPath(op.to, base);
    return {
      action: `moved ${clipEnd(from, ACTION_PART_CHARS)} to ${clipEnd(to, ACTION_PART_CHARS)}`,
      files: [{ path: to, op: 'moved', from }],
      command,
    };
  }
  return { action: `ran ${clipEnd(oneLine(command), ACTION_PART_CHARS)}`, files: [], command };
}

/** The devlog action for one tool_use. Inputs that do not fit fall back to `used <Tool>`. */
function summarizeToolUse(name: string, input: unknown, base: PathBase): ToolSummary {
  const used: ToolSummary = { action: `used ${name}`, files: [] };
  if (EDIT_TOOLS.has(name) || name === 'Read') {
    const parsed = FilePathInput.safeParse(input);
    if (!parsed.success) return used;
    const path = repoPath(parsed.data.file_path, base);
    const verb = name === 'Read' ? 'read' : 'edited';
    // Write stays `modified` here; its result says whether it actually created the file.
    return {
      action: `${verb} ${clipEnd(path, ACTION_PART_CHARS)}`,
      files: [{ path, op: name === 'Read' ? 'read' : 'modified' }],
    };
  }
  if (name === 'NotebookEdit') {
    const parsed = NotebookInput.safeParse(input);
    if (!parsed.success) return used;
    const path = repoPath(parsed.data.notebook_path, base);
    return { action: `edited ${clipEnd(path, ACTION_PART_CHARS)}`, files: [{ path, op: 'modified' }] };
  }
  if (name === 'Bash') {
    const parsed = BashInput.safeParse(input);
    return parsed.success ? summarizeBash(parsed.data.command, base) : used;
  }
  if (SEARCH_TOOLS.has(name)) {
    const parsed = SearchInput.safeParse(input);
    if (!parsed.success) return used;
    const pattern = clipEnd(oneLine(parsed.data.pattern), ACTION_PART_CHARS);
    const where = parsed.data.path;
    const shown = where ? repoPath(where, base) : '.';
    // Searching the project folder itself is the default, not worth saying.
    const suffix = shown === '.' ? '' : ` in ${clipEnd(shown, ACTION_PART_CHARS)}`;
    return { action: `searched for ${pattern}${suffix}`, files: [] };
  }
  return used;
}

// ---------------------------------------------------------------------------------------------
// Per-line processing

/** Everything about the current line that the handlers share. */
interface LineInfo {
  readonly env: Envelope;
  readonly at: string | undefined;
  readonly base: PathBase;
  /** Set when the record belongs to a subagent (subagent file or inline sidechain). */
  readonly subagent: Subagent | undefined;
}

/** Mutable accumulator for one parseLine call; the input state is never written to. */
interface Draft {
  state: ClaudeCodeState;
  events: AgentEvent[];
}

function subagentOf(env: Envelope, ctx: LineContext | undefined): Subagent | undefined {
  const given = ctx?.subagent;
  if (given !== undefined) {
    return withoutUndefined({
      id: typeof given.id === 'string' ? given.id : undefined,
      type: typeof given.type === 'string' ? given.type : undefined,
    });
  }
  if (env.isSidechain !== true) return undefined;
  // 2.1.x subagent files carry `agentId`; 1.0.x inline sidechains carry nothing to name them.
  const id = clipId(env.agentId);
  return id === undefined ? {} : { id };
}

function findAgentCall(state: ClaudeCodeState, callId: string): AgentCall | undefined {
  return state.agentCalls.find((call) => call.callId === callId);
}

function findBackgroundAgent(state: ClaudeCodeState, agentId: string): BackgroundAgent | undefined {
  return state.backgroundAgents.find((agent) => agent.agentId === agentId);
}

/**
 * Remember the project folder (first cwd) and emit the `session` event: once per session id, from
 * main-conversation records only. Later cwd changes are not re-announced: 1.0.x records follow
 * `cd` inside subagents, which would make the session's folder flap.
 */
function noteSession(draft: Draft, env: Envelope, subagent: Subagent | undefined): void {
  const cwd = env.cwd !== undefined && env.cwd.length <= MAX_CWD_CHARS ? env.cwd : undefined;
  if (draft.state.rootCwd === undefined && cwd !== undefined && cwd !== '') {
    draft.state = { ...draft.state, rootCwd: cwd };
  }
  if (subagent !== undefined) return;
  if (env.sessionId === undefined && cwd === undefined) return;
  const sessionId = clipId(env.sessionId) ?? '';
  const known = draft.state.sessionEmitted;
  // A different session id in one file (a renamed or resumed copy) is a new session to report.
  if (known && (sessionId === '' || sessionId === draft.state.sessionId)) return;
  draft.state = { ...draft.state, sessionEmitted: true, sessionId };
  draft.events.push(
    withoutUndefined({
      kind: 'session' as const,
      at: env.timestamp,
      sessionId: env.sessionId,
      cwd: env.cwd,
      gitBranch: env.gitBranch,
      version: env.version,
    }),
  );
}

// --- assistant -------------------------------------------------------------------------------

function handleAssistant(draft: Draft, line: LineInfo, record: AssistantRecord): void {
  const { message } = record;
  const messageId = message.id ?? line.env.uuid;
  // `<synthetic>` messages are client placeholders ("No response requested.", "API Error: …"),
  // not something the model said; the devlog shows model text only.
  const synthetic = message.model === '<synthetic>';
  const blocks: unknown[] = typeof message.content === 'string'
    ? [{ type: 'text', text: message.content }]
    : message.content;
  const textCount = blocks.filter((b) => isPlainObject(b) && b['type'] === 'text').length;
  let textIndex = 0;
  for (const block of blocks) {
    const typed = TypedBlock.safeParse(block);
    if (!typed.success) continue;
    if (typed.data.type === 'text') {
      const text = TextBlock.safeParse(block);
      if (!text.success) {
        markBadBlock(draft, 'text');
        continue;
      }
      const index = textIndex++;
      if (line.subagent !== undefined || synthetic) continue;
      if (!isMeaningfulReply(text.data.text)) continue;
      if (messageId === undefined) {
        markBadBlock(draft, 'no-message-id');
        continue;
      }
      const partId = line.env.uuid === undefined
        ? undefined
        : textCount > 1 ? `${line.env.uuid}#${index}` : line.env.uuid;
      draft.events.push(
        withoutUndefined({ kind: 'reply' as const, at: line.at, text: text.data.text, messageId, partId }),
      );
    } else if (typed.data.type === 'tool_use') {
      const toolUse = ToolUseBlock.safeParse(block);
      if (!toolUse.success) {
        markBadBlock(draft, 'tool_use');
        continue;
      }
      handleToolUse(draft, line, toolUse.data, message.id);
    }
    // thinking / redacted_thinking / anything newer: not devlog material.
  }
}

/** Whitespace and the client's "(no content)" placeholder are not replies. */
function isMeaningfulReply(text: string): boolean {
  const trimmed = text.trim();
  return trimmed !== '' && trimmed !== '(no content)';
}

function handleToolUse(draft: Draft, line: LineInfo, block: ToolUseBlock, messageId: string | undefined): void {
  const tool = clipEnd(block.name, MAX_NAME_CHARS);
  const summary = summarizeToolUse(tool, block.input, line.base);
  draft.events.push(
    withoutUndefined({
      kind: 'tool_call' as const,
      at: line.at,
      callId: block.id,
      messageId,
      tool,
      action: clipEnd(summary.action, ACTION_MAX_CHARS),
      files: summary.files,
      command: summary.command,
      subagent: line.subagent,
    }),
  );
  const callId = clipId(block.id);
  if (AGENT_TOOLS.has(block.name) && callId !== undefined && findAgentCall(draft.state, callId) === undefined) {
    const input = AgentInput.safeParse(block.input);
    const call: AgentCall = withoutUndefined({
      callId,
      agentType: input.success ? clipLabel(input.data.subagent_type) : undefined,
      description: input.success ? clipLabel(input.data.description) : undefined,
    });
    draft.state = { ...draft.state, agentCalls: pushBounded(draft.state.agentCalls, call) };
  }
}

// --- user ------------------------------------------------------------------------------------

function handleUser(draft: Draft, line: LineInfo, record: UserRecord): void {
  const content = record.message.content;
  const blocks = typeof content === 'string' ? [] : content;
  const results: ToolResultBlock[] = [];
  for (const block of blocks) {
    if (!isPlainObject(block) || block['type'] !== 'tool_result') continue;
    const parsed = ToolResultBlock.safeParse(block);
    if (parsed.success) results.push(parsed.data);
    else markBadBlock(draft, 'tool_result');
  }
  if (results.length > 0) {
    // `toolUseResult` describes the record's single result; with several it is ambiguous.
    const toolUseResult = results.length === 1 ? record.toolUseResult : undefined;
    for (const result of results) handleToolResult(draft, line, result, toolUseResult);
    return;
  }
  if (line.subagent !== undefined) return; // a subagent's task prompt or injected context
  const text = typeof content === 'string' ? content : textItems(content).join('\n\n');
  if (isTaskNotification(record, text)) {
    handleTaskNotification(draft, line, text);
    return;
  }
  const { env } = line;
  // isMeta: Stop-hook feedback, command bodies, caveats; compaction summaries are not typed.
  if (env.isMeta === true || env.isCompactSummary === true || env.isVisibleInTranscriptOnly === true) return;
  const prompt = promptText(text);
  if (prompt === undefined) return;
  draft.events.push(withoutUndefined({ kind: 'prompt' as const, at: line.at, text: prompt, id: env.uuid }));
}

function isTaskNotification(record: UserRecord, text: string): boolean {
  return record.origin?.kind === 'task-notification' || text.trimStart().startsWith('<task-notification>');
}

/** What the human typed, or undefined when the text is harness output of some kind. */
function promptText(raw: string): string | undefined {
  const text = stripSystemReminders(raw).trim();
  if (text === '') return undefined;
  if (text.startsWith(INTERRUPT_PREFIX) || text.startsWith(COMPACT_SUMMARY_PREFIX)) return undefined;
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

/** Text of a tool_result's content: a string or text items (images never included). */
function toolResultText(content: ToolResultBlock['content']): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : textItems(content).join('\n');
}

/** "Exit code N" at the start of a failed shell result (or its "Error: " string form). */
function exitCodeOf(text: string): number | undefined {
  const match = /^(?:Error: )?Exit code (-?\d{1,10})\b/.exec(text);
  if (match?.[1] === undefined) return undefined;
  const code = Number(match[1]);
  return Number.isSafeInteger(code) ? code : undefined;
}

/** 1.0.x `BashOutput` results carry a numeric `exitCode` field. */
function exitCodeField(toolUseResult: unknown): number | undefined {
  const parsed = ExitCodeResult.safeParse(toolUseResult);
  return parsed.success ? parsed.data.exitCode : undefined;
}

/** Write results say whether the file was created or overwritten. */
function writeResultFiles(toolUseResult: unknown, base: PathBase): FileChange[] | undefined {
  const parsed = WriteResult.safeParse(toolUseResult);
  if (!parsed.success) return undefined;
  const path = repoPath(parsed.data.filePath, base);
  if (parsed.data.type === 'create') return [{ path, op: 'created' }];
  if (parsed.data.type === 'update') return [{ path, op: 'modified' }];
  return undefined;
}

function handleToolResult(draft: Draft, line: LineInfo, block: ToolResultBlock, toolUseResult: unknown): void {
  const isError = block.is_error === true;
  const text = toolResultText(block.content);
  draft.events.push(
    withoutUndefined({
      kind: 'tool_result' as const,
      at: line.at,
      callId: block.tool_use_id,
      isError,
      exitCode: exitCodeOf(text) ?? exitCodeField(toolUseResult),
      output: text === '' ? undefined : tail(text, OUTPUT_TAIL_CHARS),
      files: isError ? undefined : writeResultFiles(toolUseResult, line.base),
      subagent: line.subagent,
    }),
  );
  if (!isError && line.subagent === undefined) handleAgentResult(draft, line, block, toolUseResult, text);
}

/**
 * A Task/Agent result in the main conversation. Sync subagents (1.0.x, 2.1.x) report here;
 * 2.1.330 background agents only say they launched, and report later in a task-notification.
 */
function handleAgentResult(
  draft: Draft,
  line: LineInfo,
  block: ToolResultBlock,
  toolUseResult: unknown,
  blockText: string,
): void {
  const call = findAgentCall(draft.state, block.tool_use_id);
  const parsed = AgentResult.safeParse(toolUseResult);
  const result: AgentResult | undefined = parsed.success ? parsed.data : undefined;
  // Without the Task/Agent call in state (evicted, or a partial file), recognise the result's
  // own shape: a report (`content` items plus run totals or an agent id/type) or a launch.
  const hasReport = result?.content !== undefined &&
    (result.totalDurationMs !== undefined || result.agentId !== undefined || result.agentType !== undefined);
  const isLaunch = result?.agentId !== undefined && (result.status === 'async_launched' || result.isAsync === true);
  const looksLikeAgent = hasReport || isLaunch;
  if (call === undefined && !looksLikeAgent) return;

  const agentId = clipId(result?.agentId) ?? call?.agentId;
  const agentType = call?.agentType ?? clipLabel(result?.agentType);
  const description = call?.description ?? clipLabel(result?.description);

  if (result?.status === 'async_launched' || result?.isAsync === true) {
    if (agentId !== undefined && findBackgroundAgent(draft.state, agentId) === undefined) {
      const agent: BackgroundAgent = withoutUndefined({ agentId, agentType, description });
      draft.state = { ...draft.state, backgroundAgents: pushBounded(draft.state.backgroundAgents, agent) };
    }
    return;
  }

  const resultText = result?.content !== undefined ? textItems(result.content).join('\n\n') : '';
  const text = resultText.trim() !== '' ? resultText : blockText;
  if (text.trim() === '') return;
  emitSubagentReport(draft, line, { agentId, agentType, description, text });
}

interface SubagentReport {
  agentId: string | undefined;
  agentType: string | undefined;
  description: string | undefined;
  text: string;
}

/** `subagent_ref` first (the pipeline reads the subagent's own file there), then the report. */
function emitSubagentReport(draft: Draft, line: LineInfo, report: SubagentReport): void {
  if (report.agentId !== undefined) {
    draft.events.push(
      withoutUndefined({ kind: 'subagent_ref' as const, at: line.at, agentId: report.agentId, agentType: report.agentType }),
    );
  }
  draft.events.push(withoutUndefined({ kind: 'subagent_result' as const, at: line.at, ...report }));
}

/**
 * `<task-notification>` turns report finished background work. Agents (2.1.330 background
 * subagents) become a subagent report; background shell commands (`<task-id>` of a Bash run,
 * no `<result>`) are not conversation and yield nothing.
 */
function handleTaskNotification(draft: Draft, line: LineInfo, text: string): void {
  const taskId = clipId(tagContent(text, 'task-id')?.trim());
  const toolUseId = tagContent(text, 'tool-use-id')?.trim();
  // A long report can arrive with `</result>` cut off; take what is there.
  const result = tagContent(text, 'result', true)?.replace(/<\/task-notification>\s*$/, '').trim();
  const background = taskId === undefined ? undefined : findBackgroundAgent(draft.state, taskId);
  const call = toolUseId === undefined ? undefined : findAgentCall(draft.state, toolUseId);
  if (background === undefined && call === undefined && result === undefined) return;
  emitSubagentReport(draft, line, {
    agentId: taskId ?? call?.agentId,
    agentType: background?.agentType ?? call?.agentType,
    description: background?.description ?? call?.description,
    text: result ?? tagContent(text, 'summary')?.trim() ?? '',
  });
}

// --- system / progress -----------------------------------------------------------------------

function handleSystem(draft: Draft, line: LineInfo, subtype: string | undefined): void {
  // Other subtypes (stop_hook_summary, turn_duration, local_command, api_error, …) are metadata.
  if (subtype === 'compact_boundary' && line.subagent === undefined) {
    draft.events.push(withoutUndefined({ kind: 'compaction' as const, at: line.at }));
  }
}

/** 2.1.38/39 `agent_progress` links a Task call to its agentId; no events. */
function learnFromProgress(state: ClaudeCodeState, value: Record<string, unknown>): ClaudeCodeState {
  const parsed = ProgressRecord.safeParse(value);
  if (!parsed.success) return state;
  const { data, parentToolUseID } = parsed.data;
  const agentId = clipId(data?.agentId);
  if (data?.type !== 'agent_progress' || agentId === undefined || parentToolUseID === undefined) return state;
  const index = state.agentCalls.findIndex((call) => call.callId === parentToolUseID);
  const call = state.agentCalls[index];
  if (call === undefined || call.agentId === agentId) return state;
  const agentCalls = [...state.agentCalls];
  agentCalls[index] = { ...call, agentId };
  return { ...state, agentCalls };
}

/** Several malformed blocks in one line still count as one skipped line. */
function markBadBlock(draft: Draft, what: string): void {
  if (!draft.events.some((event) => event.kind === 'skipped')) draft.events.push(skipped(`bad-block:${what}`));
}

// ---------------------------------------------------------------------------------------------
// Entry point

function parseRecord(state: ClaudeCodeState, value: unknown, ctx: LineContext | undefined): ParseResult<ClaudeCodeState> {
  if (!isPlainObject(value)) return { state, events: [skipped('not-an-object')] };
  const type = value['type'];
  if (typeof type !== 'string') return { state, events: [skipped('no-type')] };
  if (type === 'progress') return { state: learnFromProgress(state, value), events: [] };
  if (IGNORED_TYPES.has(type)) return { state, events: [] };
  if (type !== 'user' && type !== 'assistant' && type !== 'system') {
    return { state, events: [skipped(`unknown-type:${clipEnd(type, MAX_NAME_CHARS)}`)] };
  }

  const env = Envelope.safeParse(value);
  if (!env.success) return { state, events: [skipped(`bad-shape:${type}`)] };
  const user = type === 'user' ? UserRecord.safeParse(value) : undefined;
  const assistant = type === 'assistant' ? AssistantRecord.safeParse(value) : undefined;
  if (user?.success === false || assistant?.success === false) {
    return { state, events: [skipped(`bad-shape:${type}`)] };
  }

  // Re-written copies of a record (same uuid) were already turned into events.
  const uuid = clipId(env.data.uuid);
  if (uuid !== undefined && state.seenUuids.includes(uuid)) return { state, events: [] };
  const draft: Draft = {
    state: uuid === undefined ? state : { ...state, seenUuids: pushBounded(state.seenUuids, uuid) },
    events: [],
  };
  const subagent = subagentOf(env.data, ctx);
  noteSession(draft, env.data, subagent);
  const line: LineInfo = {
    env: env.data,
    at: env.data.timestamp,
    base: { cwd: env.data.cwd, root: draft.state.rootCwd },
    subagent,
  };

  if (user?.success === true) handleUser(draft, line, user.data);
  else if (assistant?.success === true) handleAssistant(draft, line, assistant.data);
  else handleSystem(draft, line, SystemRecord.safeParse(value).data?.subtype);
  return draft;
}

function parseLine(state: ClaudeCodeState, line: string, ctx?: LineContext): ParseResult<ClaudeCodeState> {
  // Blank lines (a trailing newline, an editor's empty line) carry nothing and are not counted.
  if (line.trim() === '') return { state, events: [] };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // SyntaxError, or RangeError for pathological nesting: either way not a usable record.
    return { state, events: [skipped('invalid-json')] };
  }
  try {
    return parseRecord(state, value, ctx);
  } catch (error) {
    // Totality backstop: a bug must not stop the pipeline; it is counted under its own reason.
    const name = error instanceof Error ? error.name : typeof error;
    return { state, events: [skipped(`internal-error:${clipEnd(name, MAX_NAME_CHARS)}`)] };
  }
}

export const claudeCodeAdapter: Adapter<ClaudeCodeState> = {
  name: 'claude-code',
  stateSchema: claudeCodeStateSchema,
  initialState,
  parseLine,
};
