import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { z } from 'zod';
import type { AgentEvent, FileChange } from '../events.js';
import { projectRoot } from '../adapters/common/paths.js';
import { eventKey, SeenRing } from '../seen-ring.js';
import { commitFromOutput, isCommitCommand, isTestCommand, messageFromCommand } from './commands.js';
import { DIGEST_CAPS, DigestItem, relevance } from './digest-item.js';
import { type ClosePolicy, closeBeforeEvent, moreMayFollow } from './close-policy.js';

/**
 * Tracks the window of work since the session's last entry. Before it counts an event it asks
 * the close policy (close-policy.ts) whether the events end the open window; closes by a trigger
 * or the clock come from the caller through `close()`. Everything kept is bounded.
 */

const MAX_PROMPTS = 20;
const MAX_TEXT = 2000;
const MAX_LIST = 50;
const MAX_PENDING = 500;

/** How much of a long reply's end is kept beside its start: enough for its last sentence. */
const REPLY_END = 300;

/**
 * A reply's start says what was achieved (label, notes), its end whether it finished ("Let me…"):
 * a reply too long to keep whole keeps both, joined by an ellipsis.
 */
function headAndEnd(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - REPLY_END - 3)} … ${text.slice(-REPLY_END)}`;
}

const FileOp = z.object({ op: z.enum(['created', 'modified', 'deleted', 'moved']), from: z.string().optional() });

/** A call that failed, was refused or interrupted, or never got its result. */
export const Unfinished = z.object({
  action: z.string(),
  outcome: z.enum(['failed', 'refused', 'interrupted', 'no result']),
  reason: z.string().optional(),
});
export type Unfinished = z.infer<typeof Unfinished>;

const Pending = z.object({
  command: z.string().optional(),
  files: z.array(z.object({ path: z.string(), op: z.string(), from: z.string().optional() })),
  test: z.boolean(),
  commit: z.boolean(),
});

/** Hash of a commit whose output did not show it (`git commit -q`); resolved against git later. */
export const UNRESOLVED_COMMIT = '';

export const OpenWindow = z.object({
  startSeq: z.number().int(),
  start: z.string().nullable(),
  end: z.string().nullable(),
  prompts: z.array(z.string()),
  promptCount: z.number().int(),
  lastReply: z.string().nullable(),
  /**
   * The last reply of a turn that used a tool or a subagent, with its turn's index in `prompts`:
   * the outcome of the work, which a closing "Thanks" / "You're welcome" turn does not replace.
   */
  workReply: z.object({ text: z.string(), turn: z.number().int() }).nullable().default(null),
  /** The current turn has used a tool or a subagent. */
  turnWorked: z.boolean().default(false),
  replyCount: z.number().int(),
  toolCount: z.number().int(),
  tools: z.record(z.string(), z.number().int()),
  commands: z.array(z.string()),
  commandCount: z.number().int(),
  /** Absolute path → net effect of the window on it, in first-touched order. */
  files: z.record(z.string(), FileOp),
  pending: z.record(z.string(), Pending),
  tests: z.array(z.object({ cmd: z.string(), result: z.enum(['pass', 'fail', 'unknown']) })),
  commits: z.array(z.object({ hash: z.string(), message: z.string() })),
  subagents: z.array(z.object({ type: z.string().nullable(), description: z.string().nullable() })),
  /** Calls that did not do what they set out to: named in the entry, never counted as done. */
  failed: z.array(Unfinished).default([]),
  /** callId → devlog action of calls still waiting for their result (bounded like `pending`). */
  waiting: z.record(z.string(), z.string()).default({}),
  /** Indexes into `prompts` of turns the user interrupted: their prompt does not name the work. */
  interrupted: z.array(z.number().int()).default([]),
  /** The window's conversation for an LLM evaluator (bounded; see digest-item.ts). */
  digest: z.array(DigestItem).default([]),
  /** The last prompts before this window, so the evaluator knows what the work continues. */
  context: z.array(z.string()).default([]),
  /**
   * What the run_id is made of (see runIdFor): the marks of the window's first and last events
   * and how many it counted. Absent in a window opened before run_ids were derived this way.
   */
  firstMark: z.string().optional(),
  lastMark: z.string().optional(),
  marks: z.number().int().default(0),
  /**
   * Claimed paths (absolute) found missing on disk at the end of a run whose last event was
   * `mark`: while no later event comes, that is the window's effect on disk (see reconcile.ts).
   */
  absent: z.object({ mark: z.string(), paths: z.array(z.string()) }).optional(),
});
export type OpenWindow = z.infer<typeof OpenWindow>;

/** A window closed by the events (a gap, a new turn), held while the next one may still be chat to fold in. */
const HeldWindow = z.object({
  runId: z.string(),
  index: z.number().int(),
  continuationOf: z.string().nullable(),
  reason: z.string(),
  window: OpenWindow,
});

export const WindowState = z.object({
  index: z.number().int(),
  prevRunId: z.string().nullable(),
  eventSeq: z.number().int(),
  cwd: z.string().nullable(),
  lastEventAt: z.string().nullable(),
  cur: OpenWindow.nullable(),
  /** Ids of events already counted, so a re-written record counts once. */
  seen: z.array(z.string()).default([]),
  /** The session's latest prompts (clipped), the next window's context. */
  recentPrompts: z.array(z.string()).default([]),
  /**
   * Set when the session was rebuilt after state loss: events up to this time are already in an
   * entry (written-entries.ts) and open no window; the first later event clears it.
   */
  writtenThrough: z.string().nullable().default(null),
  /** `chatOnly: 'fold'` only: the last closed window, until the next one proves to be work or chat. */
  held: HeldWindow.nullable().default(null),
});
export type WindowState = z.infer<typeof WindowState>;

export interface ClosedWindow {
  runId: string;
  index: number;
  continuationOf: string | null;
  reason: string;
  window: OpenWindow;
}

/** The close policy's settings (granularity, idle time) and how the window is kept. */
export interface WindowOptions extends ClosePolicy {
  sessionId: string;
  /** The repository's top level: the adapters name paths relative to it when the session's folder lies inside it. */
  repoRoot?: string;
  /**
   * A window of chat alone (no tool call, no subagent): `drop` closes it without an entry; `fold`
   * adds it to the window before it (held back, when the events closed it, until the next window
   * uses a tool or closes) or drops it when there is none to fold into. Default `keep`.
   */
  chatOnly?: 'drop' | 'keep' | 'fold';
  /** Applied to the output tails kept for the digest (tool output reaches the tracker unredacted). */
  redact?: (text: string) => string;
  /**
   * Keep the digest an LLM evaluator reads (default). Off with the heuristic evaluator: its
   * entries are final when the window closes, so the digest would never be read.
   */
  digest?: boolean;
}

const CONTEXT_PROMPTS = 3;
const CONTEXT_CHARS = 500;

export function initialWindowState(): WindowState {
  return {
    index: 0,
    prevRunId: null,
    eventSeq: 0,
    cwd: null,
    lastEventAt: null,
    cur: null,
    seen: [],
    recentPrompts: [],
    writtenThrough: null,
    held: null,
  };
}

/**
 * A window's run_id, from its content: the session, the marks of its first and last events and
 * their count. After state.db is lost the transcript is read again from its start, and a window
 * rebuilt from it gets the id it had only when it holds the same work; a resumed session's later
 * work (a later last event) gets an id of its own rather than the id of the session's first entry.
 * The old ids (a hash of the session and the window's first event number) stay in use for a
 * window opened before this, so its entry is not written twice.
 */
function runIdFor(sessionId: string, w: Pick<OpenWindow, 'startSeq' | 'firstMark' | 'lastMark' | 'marks'>): string {
  if (w.firstMark === undefined || w.lastMark === undefined)
    return createHash('sha256').update(`${sessionId}\n${w.startSeq}`).digest('hex').slice(0, 20);
  return `w-${createHash('sha256').update(`${sessionId}\n${w.firstMark}\n${w.lastMark}\n${w.marks}`).digest('hex').slice(0, 24)}`;
}

/**
 * What an event is recognised by when the transcript is read again: the record's own id (a uuid,
 * a tool call id) where it has one, else a hash of what it says and when. Never its position in
 * this run's reading, which restarts when state is lost or the transcript is re-synced.
 */
function eventMark(e: AgentEvent): string {
  const key = eventKey(e);
  if (key !== undefined) return key;
  const at = 'at' in e ? (e.at ?? '') : '';
  const text = 'text' in e ? e.text : '';
  return `h:${createHash('sha256').update(`${e.kind}\n${at}\n${text}`).digest('hex').slice(0, 16)}`;
}

export class WindowTracker {
  private readonly state: WindowState;
  private readonly seen: SeenRing;
  private closed: ClosedWindow[] = [];

  constructor(
    state: WindowState,
    private readonly opts: WindowOptions,
  ) {
    this.state = structuredClone(state);
    this.seen = new SeenRing(this.state.seen);
  }

  apply(event: AgentEvent): void {
    if (event.kind === 'skipped') return;
    const key = eventKey(event);
    if (key !== undefined && this.seen.check(key)) return;
    if (event.kind === 'session') {
      if (event.cwd) this.state.cwd = event.cwd;
      return;
    }
    const seq = this.state.eventSeq++;
    const at = 'at' in event ? event.at : undefined;
    if (this.alreadyWritten(event, at)) return;
    const cur = this.state.cur;
    const reason = closeBeforeEvent(
      this.opts,
      { open: cur !== null, hasWork: cur !== null && hasWork(cur), lastEventAt: this.state.lastEventAt },
      { kind: event.kind, at },
    );
    if (reason !== null) this.close(reason);
    if (at) this.state.lastEventAt = at;
    if (event.kind === 'compaction' || event.kind === 'subagent_ref') return;
    const opened = this.state.cur === null;
    this.state.cur ??= { ...emptyWindow(seq, at ?? null), context: [...this.state.recentPrompts] };
    const w = this.state.cur;
    if (at) {
      w.start ??= at;
      w.end = at;
    }
    // A window opened before run_ids came from content keeps its old id: it has no first mark.
    if (opened) w.firstMark = eventMark(event);
    if (w.firstMark !== undefined) {
      w.lastMark = eventMark(event);
      w.marks++;
    }
    this.count(w, event);
  }

  /**
   * An event up to `writtenThrough` (the session was rebuilt after state loss) is in an entry
   * already: it only moves the clock and the prompt context. The first later event ends that.
   */
  private alreadyWritten(event: AgentEvent, at: string | undefined): boolean {
    if (this.state.writtenThrough === null) return false;
    if (at === undefined || Date.parse(at) <= Date.parse(this.state.writtenThrough)) {
      if (at) this.state.lastEventAt = at;
      if (event.kind === 'prompt') this.rememberPrompt(event.text);
      return true;
    }
    this.state.writtenThrough = null;
    return false;
  }

  private rememberPrompt(text: string): void {
    this.state.recentPrompts = [...this.state.recentPrompts, text.slice(0, CONTEXT_CHARS)].slice(-CONTEXT_PROMPTS);
  }

  /** What the event adds to the open window. */
  private count(w: OpenWindow, event: AgentEvent): void {
    switch (event.kind) {
      case 'prompt':
        w.promptCount++;
        w.turnWorked = false;
        if (w.prompts.length < MAX_PROMPTS) w.prompts.push(event.text.slice(0, MAX_TEXT));
        this.addDigest(w, { k: 'prompt', text: event.text.slice(0, DIGEST_CAPS.prompt) });
        this.rememberPrompt(event.text);
        break;
      case 'reply':
        this.onReply(w, event);
        break;
      case 'subagent_result':
        w.turnWorked = true;
        this.releaseHeld();
        if (w.subagents.length < MAX_LIST)
          w.subagents.push({ type: event.agentType ?? null, description: event.description ?? null });
        this.addDigest(w, {
          k: 'subagent',
          text: `${event.agentType ?? 'subagent'}${event.description ? ` (${event.description})` : ''}: ${event.text}`.slice(
            0,
            DIGEST_CAPS.subagent,
          ),
        });
        break;
      case 'tool_call':
        this.onCall(w, event);
        break;
      case 'tool_result':
        this.onResult(w, event);
        break;
    }
  }

  private onReply(w: OpenWindow, event: Extract<AgentEvent, { kind: 'reply' }>): void {
    w.replyCount++;
    w.lastReply = headAndEnd(event.text, MAX_TEXT);
    if (w.turnWorked) w.workReply = { text: w.lastReply, turn: w.prompts.length - 1 };
    // A message arrives in several blocks: they read as one reply.
    const last = w.digest[w.digest.length - 1];
    if (last?.k === 'reply') {
      if (last.text.length < DIGEST_CAPS.reply) last.text = `${last.text}\n${event.text}`.slice(0, DIGEST_CAPS.reply);
    } else this.addDigest(w, { k: 'reply', text: event.text.slice(0, DIGEST_CAPS.reply) });
  }

  /** Closes the current window, if it holds any work. */
  close(reason: string): void {
    this.closeWindow(reason);
    // Nothing comes after an explicit close (session end, /clear, flush) that could fold in.
    if (!moreMayFollow(reason)) this.releaseHeld();
  }

  private closeWindow(reason: string): void {
    const w = this.state.cur;
    this.state.cur = null;
    if (!w || !hasWork(w)) return;
    if (w.toolCount === 0 && w.subagents.length === 0) {
      if (this.opts.chatOnly === 'drop') return;
      if (this.opts.chatOnly === 'fold') {
        // The devlog keeps the turn; the entry of the work before it takes its time and words.
        if (this.state.held) foldInto(this.state.held.window, w);
        this.releaseHeld();
        return;
      }
    }
    for (const p of Object.values(w.pending)) {
      if (p.test && p.command && w.tests.length < MAX_LIST)
        w.tests.push({ cmd: p.command.slice(0, 500), result: 'unknown' });
    }
    w.pending = {};
    // A call still waiting when its window closes did not finish as far as anyone can tell, and
    // the turn it belongs to (the last, as a rule: the client was killed) was abandoned.
    const abandoned = Object.values(w.waiting);
    for (const action of abandoned) if (w.failed.length < MAX_LIST) w.failed.push({ action, outcome: 'no result' });
    if (abandoned.length > 0 && w.prompts.length > 0 && !w.interrupted.includes(w.prompts.length - 1))
      w.interrupted.push(w.prompts.length - 1);
    w.waiting = {};
    const runId = runIdFor(this.opts.sessionId, w);
    const closed = { runId, index: this.state.index, continuationOf: this.state.prevRunId, reason, window: w };
    this.state.index++;
    this.state.prevRunId = runId;
    this.releaseHeld();
    if (this.opts.chatOnly === 'fold') this.state.held = closed;
    else this.closed.push(closed);
  }

  /** The held window goes out: the window after it did work, or nothing can follow it. */
  private releaseHeld(): void {
    if (this.state.held === null) return;
    this.closed.push(this.state.held);
    this.state.held = null;
  }

  takeClosed(): ClosedWindow[] {
    const out = this.closed;
    this.closed = [];
    return out;
  }

  /** The open window, for a look at the disk after a run; null when none is open. */
  current(): Readonly<OpenWindow> | null {
    return this.state.cur;
  }

  /** Records which of the open window's claimed paths are missing on disk right now. */
  observeAbsent(paths: string[]): void {
    const w = this.state.cur;
    if (w?.lastMark === undefined) return;
    w.absent = { mark: w.lastMark, paths };
  }

  /** A working folder to resolve relative paths against when the transcript names none (Codex 0.20). */
  assumeCwd(dir: string): void {
    this.state.cwd ??= dir;
  }

  /** The session's working folder as the transcript first named it. */
  cwd(): string | null {
    return this.state.cwd;
  }

  snapshot(): WindowState {
    return { ...structuredClone(this.state), seen: this.seen.toJSON() };
  }

  private onCall(w: OpenWindow, e: Extract<AgentEvent, { kind: 'tool_call' }>): void {
    w.toolCount++;
    w.turnWorked = true;
    this.releaseHeld();
    w.tools[e.tool] = (w.tools[e.tool] ?? 0) + 1;
    if (e.command !== undefined) {
      w.commandCount++;
      if (w.commands.length < MAX_LIST) w.commands.push(e.command.slice(0, 500));
    }
    const files = e.files.filter((f) => f.op !== 'read').map((f) => this.absolute(f));
    const test = e.command !== undefined && isTestCommand(e.command);
    const commit = e.command !== undefined && isCommitCommand(e.command);
    const tag =
      files.length > 0
        ? 'edit'
        : test
          ? 'test'
          : e.command !== undefined && /^\s*git\s/.test(e.command)
            ? 'git'
            : e.command !== undefined
              ? 'command'
              : 'other';
    const who = e.subagent ? `[${e.subagent.type ?? 'subagent'}] ` : '';
    const action = `${who}${e.action}`;
    this.addDigest(w, { k: 'tool', text: action.slice(0, DIGEST_CAPS.tool), tag, callId: e.callId });
    putBounded(w.waiting, e.callId, action.slice(0, MAX_ACTION));
    if (files.length === 0 && !test && !commit) return;
    putBounded(w.pending, e.callId, { ...(e.command !== undefined && { command: e.command }), files, test, commit });
  }

  private onResult(w: OpenWindow, e: Extract<AgentEvent, { kind: 'tool_result' }>): void {
    const failed = e.isError || (e.exitCode !== undefined && e.exitCode !== 0);
    if (failed) this.noteFailure(w, e);
    const action = w.waiting[e.callId];
    delete w.waiting[e.callId];
    // A failing test run is reported with the tests, not as a call that failed.
    if (action !== undefined && w.pending[e.callId]?.test !== true) noteUnfinished(w, e, action);
    const p = w.pending[e.callId];
    if (!p) return;
    delete w.pending[e.callId];
    if (p.test && p.command && w.tests.length < MAX_LIST) noteTest(w, p.command, failed);
    if (!failed) this.settleSucceeded(w, p, e);
  }

  /** What a call that succeeded leaves in the window: its commit, and the files it changed. */
  private settleSucceeded(
    w: OpenWindow,
    p: z.infer<typeof Pending>,
    e: Extract<AgentEvent, { kind: 'tool_result' }>,
  ): void {
    if (p.commit && w.commits.length < MAX_LIST) {
      const c = e.output !== undefined ? commitFromOutput(e.output, p.command ?? '') : null;
      if (c && !w.commits.some((x) => x.hash === c.hash)) w.commits.push(c);
      // `git commit -q` prints nothing: the hash is looked up in the repository when the entry is
      // written (UNRESOLVED_COMMIT), by its message.
      else if (!c) w.commits.push({ hash: UNRESOLVED_COMMIT, message: messageFromCommand(p.command ?? '') ?? '' });
    }
    // The result is authoritative where it knows better (Write: created or overwritten).
    const byPath = new Map(p.files.map((f) => [f.path, f]));
    for (const f of e.files ?? []) {
      if (f.op === 'read') continue;
      const abs = this.absolute(f);
      byPath.set(abs.path, abs);
    }
    for (const f of byPath.values()) applyFileChange(w.files, f);
  }

  private addDigest(w: OpenWindow, item: DigestItem): void {
    if (this.opts.digest !== false) addDigest(w, item);
  }

  /** The digest keeps no command output, except the end of what a failed call printed. */
  private noteFailure(w: OpenWindow, e: Extract<AgentEvent, { kind: 'tool_result' }>): void {
    for (let i = w.digest.length - 1; i >= 0 && i >= w.digest.length - 200; i--) {
      const item = w.digest[i];
      if (item?.k !== 'tool' || item.callId !== e.callId) continue;
      item.failed = true;
      const out = (e.output ?? '').trimEnd();
      if (out) {
        // Redacted before it is cut: a secret cut at the edge (a key without its BEGIN line, a
        // value without its name) would no longer be recognised. Failed calls are few.
        const wide = out.slice(-REDACT_BEFORE_TAIL);
        const clean = this.opts.redact ? this.opts.redact(wide) : wide;
        item.tail = clean.slice(-DIGEST_CAPS.tail);
      }
      return;
    }
  }

  private absolute(f: { path: string; op: string; from?: string | undefined }): {
    path: string;
    op: string;
    from?: string;
  } {
    // The base the adapter named the path from (adapters/common/paths.ts).
    const cwd = projectRoot(this.state.cwd ?? undefined, this.opts.repoRoot) ?? '/';
    const path = posix.resolve(cwd, f.path);
    return f.from !== undefined ? { path, op: f.op, from: posix.resolve(cwd, f.from) } : { path, op: f.op };
  }
}

const MAX_ACTION = 300;

/** A call that failed, was refused or interrupted is listed as such, never as done. */
function noteUnfinished(w: OpenWindow, e: Extract<AgentEvent, { kind: 'tool_result' }>, action: string): void {
  const outcome = outcomeOf(e);
  if (outcome === null) return;
  if (w.failed.length < MAX_LIST) w.failed.push({ action, ...outcome });
  const turn = w.prompts.length - 1;
  if (outcome.outcome === 'interrupted' && turn >= 0 && !w.interrupted.includes(turn)) w.interrupted.push(turn);
}

/** A test run, unless it repeats the last one with the same result. */
function noteTest(w: OpenWindow, command: string, failed: boolean): void {
  const cmd = command.slice(0, 500);
  const result = failed ? 'fail' : 'pass';
  const last = w.tests[w.tests.length - 1];
  if (!last || last.cmd !== cmd || last.result !== result) w.tests.push({ cmd, result });
}

/** Keeps per-call records bounded: past MAX_PENDING the oldest call (first inserted) makes room. */
function putBounded<T>(record: Record<string, T>, key: string, value: T): void {
  if (Object.keys(record).length >= MAX_PENDING) {
    const oldest = Object.keys(record)[0];
    if (oldest !== undefined) delete record[oldest];
  }
  record[key] = value;
}

/** What became of a call that did not succeed; null when it did. Commands that merely exit non-zero
 *  (a failing test, a grep that found nothing) are failures too: the entry names them, never as done. */
function outcomeOf(e: Extract<AgentEvent, { kind: 'tool_result' }>): Omit<Unfinished, 'action'> | null {
  if (e.outcome !== undefined) return { outcome: e.outcome, ...(e.reason !== undefined && { reason: e.reason }) };
  if (e.isError || (e.exitCode !== undefined && e.exitCode !== 0))
    return { outcome: 'failed', ...(e.exitCode !== undefined && e.exitCode !== 0 && { reason: `exit ${e.exitCode}` }) };
  return null;
}

/** How much of a failed call's output is redacted to take its tail from: a private key and its context. */
const REDACT_BEFORE_TAIL = 64 * 1024;

function emptyWindow(startSeq: number, at: string | null): OpenWindow {
  return {
    startSeq,
    start: at,
    end: at,
    prompts: [],
    promptCount: 0,
    lastReply: null,
    workReply: null,
    turnWorked: false,
    replyCount: 0,
    toolCount: 0,
    tools: {},
    commands: [],
    commandCount: 0,
    files: {},
    pending: {},
    tests: [],
    commits: [],
    subagents: [],
    failed: [],
    waiting: {},
    interrupted: [],
    digest: [],
    context: [],
    marks: 0,
  };
}

/** Appends to the digest; when full, the least telling of the older items makes room. */
function addDigest(w: OpenWindow, item: DigestItem): void {
  if (w.digest.length >= DIGEST_CAPS.items) {
    const older = Math.floor(w.digest.length * 0.8);
    let drop = 0;
    for (let i = 1; i < older; i++)
      if (relevance(w.digest[i] as DigestItem) < relevance(w.digest[drop] as DigestItem)) drop = i;
    w.digest.splice(drop, 1);
  }
  w.digest.push(item);
}

function hasWork(w: OpenWindow): boolean {
  return w.promptCount > 0 || w.replyCount > 0 || w.toolCount > 0 || w.subagents.length > 0;
}

/** Keeps the window's net effect per file: created-then-edited is created, created-then-deleted
 *  is nothing, a move of a new file is a new file at its new place. */
function applyFileChange(files: OpenWindow['files'], f: { path: string; op: string; from?: string }): void {
  const prev = files[f.path];
  switch (f.op as FileChange['op']) {
    case 'created':
      files[f.path] = prev?.op === 'deleted' ? { op: 'modified' } : { op: 'created' };
      break;
    case 'modified':
      if (!prev || prev.op === 'deleted') files[f.path] = { op: 'modified' };
      break;
    case 'deleted':
      if (prev?.op === 'created') delete files[f.path];
      else files[f.path] = { op: 'deleted' };
      break;
    case 'moved': {
      const from = f.from;
      if (from === undefined) break;
      const src = files[from];
      delete files[from];
      if (src?.op === 'created') files[f.path] = { op: 'created' };
      else if (src?.op === 'moved' && src.from !== undefined) files[f.path] = { op: 'moved', from: src.from };
      else files[f.path] = { op: 'moved', from };
      break;
    }
    case 'read':
      break;
  }
}

/** A window of chat after the work: its time and its turns join the work's window; what was done does not change. */
function foldInto(work: OpenWindow, chat: OpenWindow): void {
  work.end = chat.end ?? work.end;
  for (const p of chat.prompts) if (work.prompts.length < MAX_PROMPTS) work.prompts.push(p);
  work.promptCount += chat.promptCount;
  work.replyCount += chat.replyCount;
  if (chat.lastReply !== null) work.lastReply = chat.lastReply;
  for (const item of chat.digest) addDigest(work, item);
}
