import { closeSync, existsSync, fstatSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Adapter } from '../adapters/adapter.js';
import type { Agent } from '../agents/agent.js';
import { agentFor, type AgentId } from '../agents/registry.js';
import { resolveActor } from '../changelog/actor.js';
import { closePolicy, endsSession } from '../changelog/close-policy.js';
import { heuristicEntry } from '../changelog/heuristic.js';
import { ChangelogEntry } from '../changelog/schema.js';
import { initialWindowState, WindowState, WindowTracker, type ClosedWindow } from '../changelog/window.js';
import { writtenSoFar } from '../changelog/written-entries.js';
import type { Config } from '../config/config.js';
import { DevlogReducer, DevlogState, initialDevlogState } from '../devlog/reducer.js';
import { ConversationEntry } from '../devlog/schema.js';
import { Fragment } from '../devlog/fragment.js';
import { devlogPath, renderEntry, writeDevlog } from '../devlog/write.js';
import { OutputError } from '../output/output-error.js';
import type { AgentEvent, Subagent } from '../events.js';
import { commitsBetween, gitInfo, repoRoot } from '../git.js';
import { resolveCommits, unresolvedSpan } from '../changelog/resolve-commits.js';
import { observeDisk, reconcileWindows } from './reconcile-windows.js';
import type { Logger } from '../log.js';
import { statePaths } from '../paths.js';
import type { Db } from '../state/db.js';
import { getSession, getSubagentCursor, insertWindow, newSession, resetSubagentCursors, saveSession, saveSubagentCursor, type SessionRow } from '../state/sessions.js';
import { checkCursor, fingerprintAt } from '../tail/fingerprint.js';
import { readLines } from '../tail/tail.js';
import { redactEvent } from '../redact/event.js';
import { createRedactor, redactDeep, type Redactor } from '../redact/redact.js';
import { loadKnownSecrets, saveKnownSecrets, scrubStoredWindows } from '../redact/session-store.js';
import { renderDigests } from '../evaluator/digest.js';
import { CWD_LINE_LIMIT, discoverCwd } from './transcript-cwd.js';
import { flushWindows, type FlushOutcome } from './flush-windows.js';
import { openSource, openTranscript } from './open-transcript.js';
import { RunError } from './run-error.js';

/**
 * One run over one session: read the bytes appended since the cursor, fold them into the devlog
 * and the open window, store everything in one transaction per batch (so a kill at any instant
 * leaves a consistent cursor), rewrite the devlog file, and append any closed windows.
 */

export interface RunRequest {
  sessionId: string;
  agent: AgentId;
  transcriptPath: string;
  /** The agent's working folder from the hook payload. */
  cwd?: string | undefined;
  /** An explicit output repository (`shiplog process --repo`). */
  repo?: string | undefined;
  trigger: string;
  /** Close the open window at the end of the run, with this reason. */
  close?: string | null | undefined;
}

export interface RunContext {
  /** The state folder (`SHIPLOG_HOME`): the database, the log and the devlog fragments. */
  stateDir: string;
  db: Db;
  log: Logger;
  config: Config;
  now?: () => Date;
  /** The environment evaluator CLIs are looked up in and run with (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface RunOutcome {
  sessionId: string;
  repo: string | null;
  devlogPath: string | null;
  /** Why the devlog was refused this run (its file or folder is a symlink, say); entries still go out. */
  devlogError?: string;
  bytesRead: number;
  lines: number;
  oversized: number;
  skipped: Record<string, number>;
  resync: string | null;
  /** Secrets redacted from what this run read, per kind. */
  redactions: Record<string, number>;
  windows: FlushOutcome;
}

export { RunError };

/**
 * Lines and bytes per database transaction. Each commit stores the whole (bounded) state, so
 * the batch is large enough that small-lined rollouts (Codex: ~600 bytes a line) do not spend
 * their time there, and small enough that a crash repeats little work.
 */
const BATCH_LINES = 10_000;
const BATCH_BYTES = 16 * 1024 * 1024;

export async function runSession(ctx: RunContext, req: RunRequest): Promise<RunOutcome> {
  const { db, log } = ctx;
  const now = () => (ctx.now ? ctx.now() : new Date()).toISOString();
  const agent = agentFor(req.agent);
  const runId = Number(
    db
      .prepare('INSERT INTO runs (session_id, trigger, pid, started_at) VALUES (?, ?, ?, ?)')
      .run(req.sessionId, req.trigger, process.pid, now()).lastInsertRowid,
  );
  const outcome: RunOutcome = {
    sessionId: req.sessionId,
    repo: null,
    devlogPath: null,
    bytesRead: 0,
    lines: 0,
    oversized: 0,
    skipped: {},
    resync: null,
    redactions: {},
    windows: { written: [], failed: [] },
  };
  try {
    await runInner(ctx, req, agent, outcome, now);
    db.prepare(
      `UPDATE runs SET ended_at = ?, status = ?, bytes_read = ?, lines = ?, oversized = ?, skipped = ?, resync = ?, redactions = ? WHERE id = ?`,
    ).run(now(), outcome.windows.failed.length > 0 ? 'partial' : 'ok', outcome.bytesRead, outcome.lines, outcome.oversized, JSON.stringify(outcome.skipped), outcome.resync, JSON.stringify(outcome.redactions), runId);
    return outcome;
  } catch (err) {
    db.prepare('UPDATE runs SET ended_at = ?, status = ?, bytes_read = ?, lines = ?, error = ? WHERE id = ?').run(
      now(),
      'error',
      outcome.bytesRead,
      outcome.lines,
      // Messages carry paths and commands from the transcript: stored redacted, like the outputs.
      createRedactor().redact(err instanceof Error ? `${err.name}: ${err.message}` : String(err)),
      runId,
    );
    log.error({ err, session: req.sessionId, transcript: req.transcriptPath }, 'run failed');
    throw err;
  }
}

async function runInner(ctx: RunContext, req: RunRequest, agent: Agent, outcome: RunOutcome, now: () => string): Promise<void> {
  const { db, log, config } = ctx;
  const adapter = agent.adapter;
  if (!isAbsolute(req.transcriptPath)) throw new RunError(`transcript path is not absolute: ${req.transcriptPath}`, 'EBADPATH');
  let row = getSession(db, req.sessionId) ?? newSession(req.sessionId, req.agent, req.transcriptPath, now());
  // With the session's known secrets: a value recognised in an earlier run is found again here.
  const redactor = createRedactor({ allow: config.redact.allow, extra: config.redact.extra, known: loadKnownSecrets(db, req.sessionId) });
  const format = agent.format(req.transcriptPath);
  const source = openSource(format, req.transcriptPath, statePaths(ctx.stateDir).documents, (text) => redactor.redact(text));
  const fd = source.fd;
  let fragment: Fragment | null = null;
  try {
    const st = fstatSync(fd);
    let ignoreWindowUntil = 0;
    const fragmentPath = statePaths(ctx.stateDir).fragment(req.sessionId);
    fragment = Fragment.open(fragmentPath, row.frag_bytes);
    const check =
      row.transcript_path !== req.transcriptPath
        ? ({ kind: 'resync', reason: 'replaced' } as const)
        : fragment === null
          ? ({ kind: 'resync', reason: 'devlog-state-lost' } as const)
          : checkCursor(fd, { offset: row.offset, inode: row.inode, headHash: row.head_hash, tailHash: row.tail_hash });
    if (check.kind === 'resync' && row.offset > 0) {
      log.warn({ session: req.sessionId, transcript: req.transcriptPath, reason: check.reason, oldOffset: row.offset, size: st.size }, 'transcript changed under the cursor; re-syncing from the start');
      outcome.resync = check.reason;
      // The conversation is rebuilt from scratch; the window keeps what it already counted.
      ignoreWindowUntil = row.offset;
      db.transaction(() => resetSubagentCursors(db, req.sessionId))();
      fragment?.reset();
      row = { ...row, transcript_path: req.transcriptPath, offset: 0, head_hash: '', tail_hash: '', adapter_state: null, devlog_state: null, frag_bytes: 0, devlog_offset: -1 };
    }
    // Lost (shorter than committed): the re-sync above starts the conversation over.
    fragment ??= Fragment.open(fragmentPath, 0);
    if (!fragment) throw new RunError(`cannot open ${fragmentPath}`, 'EFRAGMENT');
    const frag = fragment;
    row.transcript_path = req.transcriptPath;
    row.inode = source.inode;

    const repo = await resolveRepo(req, row, fd, adapter);
    if (!repo) throw new RunError(`cannot tell which repository ${req.transcriptPath} belongs to (no usable cwd)`, 'ENOREPO');
    row.repo = repo;
    outcome.repo = repo;
    // Asked only by a run that needs it: most short runs close no window, and the git the actor
    // may come from (user.email) costs such a run ~15 ms of CPU.
    let actor: string | undefined;
    const actorNow = async () => (actor ??= await resolveActor(config.changelog.actor, repo));
    if (row.window_state === null) {
      // A session the state does not know, that already has entries (state.db was lost): its
      // windows resume after them instead of writing their work again.
      const written = writtenSoFar(repo, await actorNow(), req.sessionId);
      if (written) {
        row.window_state = JSON.stringify({ ...initialWindowState(), ...written });
        log.info({ session: req.sessionId, ...written }, 'session rebuilt after its entries; windows resume after the last one');
      }
    }

    const scrub = (text: string) => redactor.known.scrub(text);
    const needsEval = config.changelog.evaluator === 'heuristic' ? 0 : 1;
    const fold = new Fold(adapter, row, {
      sessionId: req.sessionId,
      ...closePolicy(config.changelog),
      chatOnly: config.changelog.chat_only,
      repoRoot: repo,
      redact: (text) => redactor.redact(text),
      digest: needsEval === 1,
    }, redactor, repo);
    const locateSubagent = agent.subagents?.(req.transcriptPath) ?? (() => null);
    fold.windows.assumeCwd(req.cwd ?? repo);
    const closedRow = (closed: ClosedWindow, actor: string) => {
      // Commit messages come from tool output, which events keep unredacted: redact the entry whole.
      const entry = ChangelogEntry.parse(
        redactDeep(heuristicEntry(closed, { tool: agent.tool, actor, repo, projectDir: fold.windows.cwd(), sessionId: req.sessionId, transcriptPath: req.transcriptPath, fallbackTime: now() }), fold.redactor),
      );
      // For the evaluator, and `shiplog retry` after it failed; a heuristic entry is final as it is.
      const digest = needsEval === 1 ? JSON.stringify(redactDeep(renderDigests(closed.window, entry, config.changelog.digest_chars), fold.redactor)) : null;
      return { run_id: closed.runId, session_id: req.sessionId, repo, actor, entry: JSON.stringify(entry), digest, needs_eval: needsEval };
    };

    const commit = async (offset: number) => {
      const fp = fingerprintAt(fd, offset);
      // Bytes first, then the commit that makes them count: a crash in between leaves bytes past
      // `frag_bytes`, which the next run cuts off.
      // Entries finalized before a value was learnt (earlier runs, or earlier in this one) lose it now.
      const learnt = redactor.known.takeLearned();
      if (learnt.length > 0) frag.rewrite((text) => redactor.known.scrub(text, learnt));
      frag.append(fold.devlog.takeFinalized().map((e) => scrub(renderEntry(ConversationEntry.parse(e)))));
      const taken = fold.windows.takeClosed();
      const span = unresolvedSpan(taken);
      // Before the transaction: git has a deadline of its own, and no transaction waits for it.
      const commitLog = span ? ((await commitsBetween(repo, span.since, span.until)) ?? []) : [];
      const closed = await reconcileWindows(taken.map((c) => resolveCommits(c, commitLog)), repo, log);
      const by = closed.length > 0 ? await actorNow() : '';
      db.transaction(() => {
        row.frag_bytes = frag.bytes;
        for (const c of closed) insertWindow(db, closedRow(c, by), now());
        for (const [path, cursor] of fold.subagentCursors) saveSubagentCursor(db, req.sessionId, path, cursor);
        saveKnownSecrets(db, req.sessionId, redactor.known);
        if (learnt.length > 0) scrubStoredWindows(db, req.sessionId, (text) => redactor.known.scrub(text, learnt));
        row.offset = offset;
        // A document's own size counts once all its messages are read (a killed run reads it again).
        row.source_size = format.kind === 'lines' ? offset : offset === st.size ? source.size : row.source_size;
        row.head_hash = fp.headHash;
        row.tail_hash = fp.tailHash;
        // Stored state holds transcript text (subagent task descriptions, open entries, the open
        // window): the adapter's is raw, the others were redacted before later-learnt values.
        row.adapter_state = JSON.stringify(redactDeep(fold.adapterState, redactor));
        row.devlog_state = scrub(JSON.stringify(fold.devlog.snapshot()));
        row.window_state = scrub(JSON.stringify(fold.windows.snapshot()));
        row.last_event_at = fold.lastEventAt ?? row.last_event_at;
        row.updated_at = now();
        saveSession(db, row);
      })();
    };

    let sinceCommitLines = 0;
    let sinceCommitBytes = 0;
    let cursor = row.offset;
    for (const item of readLines(fd, row.offset, { maxLineBytes: config.tail.max_line_bytes, endOffset: st.size })) {
      const len = item.end - item.start;
      outcome.bytesRead += len;
      cursor = item.end;
      if (item.kind === 'oversized') {
        outcome.oversized++;
        log.warn({ session: req.sessionId, start: item.start, bytes: len }, 'skipped a line over the size cap');
      } else if (item.text.length > 0) {
        outcome.lines++;
        fold.line(item.text, item.end > ignoreWindowUntil, (agentId, agentType) => readSubagent(fold, locateSubagent(agentId), agentId, agentType, ctx, req.sessionId, outcome));
      }
      sinceCommitLines++;
      sinceCommitBytes += len;
      if (sinceCommitLines >= BATCH_LINES || sinceCommitBytes >= BATCH_BYTES) {
        await commit(cursor);
        sinceCommitLines = 0;
        sinceCommitBytes = 0;
      }
    }
    for (const [reason, n] of Object.entries(fold.skipped)) outcome.skipped[reason] = n;
    outcome.redactions = { ...fold.redactor.counts };
    // What the disk shows right after the session's latest event: the effect of the open window.
    observeDisk(fold.windows, repo, new Date(now()));
    if (req.close) fold.windows.close(req.close);
    if (endsSession(req.close)) row.ended_at = now();
    row.cwd = req.cwd ?? fold.cwd ?? row.cwd;
    await commit(cursor);
    if (outcome.oversized > 0 || Object.keys(outcome.skipped).length > 0) {
      log.info({ session: req.sessionId, oversized: outcome.oversized, skipped: outcome.skipped }, 'lines skipped');
    }

    // Not `lines > 0`: a run may have stored its cursor and died before writing the file.
    if (config.devlog.enabled && (row.devlog_offset !== row.offset || !existsSync(devlogPath(repo, req.sessionId)))) {
      const git = await gitInfo(repo);
      try {
        outcome.devlogPath = writeDevlog(
          repo,
          { session_id: req.sessionId, timestamp: row.last_event_at ?? now(), project_dir: repo, git },
          frag,
          fold.devlog.openEntries().map((e) => scrub(renderEntry(ConversationEntry.parse(e)))),
          config.devlog.commit,
        );
        row.devlog_offset = row.offset;
        db.prepare('UPDATE sessions SET devlog_offset = ? WHERE session_id = ?').run(row.offset, req.sessionId);
      } catch (err) {
        if (!(err instanceof OutputError)) throw err;
        // A refused devlog (a planted symlink, a foreign owner) must not hold back the changelog:
        // the windows are flushed below all the same, and the devlog is tried again next run.
        outcome.devlogError = err.message;
        log.warn({ session: req.sessionId, code: err.code, message: err.message }, 'devlog not written');
      }
    }
  } finally {
    closeSync(fd);
    fragment?.close();
  }
  outcome.windows = await flushWindows(ctx, req.sessionId, now);
}

/** Holds the adapter, the devlog reducer and the window tracker for one run. */
class Fold {
  adapterState: unknown;
  readonly devlog: DevlogReducer;
  readonly windows: WindowTracker;
  readonly skipped: Record<string, number> = {};
  readonly subagentCursors = new Map<string, { offset: number; adapter_state: string | null }>();
  lastEventAt: string | null = null;
  cwd: string | null = null;
  readonly redactBeforeCut = (text: string): string => this.redactor.redact(text);

  constructor(
    readonly adapter: Adapter<unknown>,
    row: SessionRow,
    windowOpts: ConstructorParameters<typeof WindowTracker>[1],
    readonly redactor: Redactor,
    /** Paths in the devlog are relative to it when the session's folder lies inside it. */
    readonly repoRoot: string,
  ) {
    this.adapterState = row.adapter_state ? adapter.stateSchema.parse(JSON.parse(row.adapter_state)) : adapter.initialState();
    this.devlog = new DevlogReducer(row.devlog_state ? DevlogState.parse(JSON.parse(row.devlog_state)) : initialDevlogState());
    this.windows = new WindowTracker(row.window_state ? WindowState.parse(JSON.parse(row.window_state)) : initialWindowState(), windowOpts);
  }

  line(text: string, countInWindow: boolean, onSubagent: (agentId: string, agentType: string | undefined) => void): void {
    // Redacted before the adapter cuts anything (a command into an action, an output's tail).
    const r = this.adapter.parseLine(this.adapterState, text, { redact: this.redactBeforeCut, repoRoot: this.repoRoot });
    this.adapterState = r.state;
    for (const e of r.events) {
      if (e.kind === 'subagent_ref') {
        onSubagent(e.agentId, e.agentType);
        continue;
      }
      this.apply(e, countInWindow);
    }
  }

  apply(raw: AgentEvent, countInWindow: boolean): void {
    if (raw.kind === 'skipped') {
      this.skipped[raw.reason] = (this.skipped[raw.reason] ?? 0) + 1;
      return;
    }
    // Everything after this point (devlog, window, entries) sees the redacted event only.
    const e = redactEvent(raw, this.redactor);
    if (e.kind === 'session' && e.cwd) this.cwd = e.cwd;
    if ('at' in e && e.at) this.lastEventAt = e.at;
    this.devlog.apply(e);
    if (countInWindow) this.windows.apply(e);
  }
}

/**
 * Reads the part of a subagent's own transcript not read before, at the point where the parent
 * transcript reports on that subagent, so its edits and commands count for the parent session in
 * a fixed place in the conversation.
 */
function readSubagent(fold: Fold, path: string | null, agentId: string, agentType: string | undefined, ctx: RunContext, sessionId: string, outcome: RunOutcome): void {
  if (path === null || !existsSync(path)) return;
  const known = fold.subagentCursors.get(path) ?? getSubagentCursor(ctx.db, sessionId, path);
  let state = known?.adapter_state ? fold.adapter.stateSchema.parse(JSON.parse(known.adapter_state)) : fold.adapter.initialState();
  let offset = known?.offset ?? 0;
  const subagent: Subagent = { id: agentId, ...(agentType !== undefined && { type: agentType }) };
  const fd = openTranscript(path);
  try {
    for (const item of readLines(fd, offset, { maxLineBytes: ctx.config.tail.max_line_bytes })) {
      offset = item.end;
      outcome.bytesRead += item.end - item.start;
      if (item.kind === 'oversized') {
        outcome.oversized++;
        continue;
      }
      if (item.text.length === 0) continue;
      const r = fold.adapter.parseLine(state, item.text, { subagent, redact: fold.redactBeforeCut, repoRoot: fold.repoRoot });
      state = r.state;
      for (const e of r.events) if (e.kind !== 'subagent_ref') fold.apply(e, true);
    }
  } finally {
    closeSync(fd);
  }
  fold.subagentCursors.set(path, { offset, adapter_state: JSON.stringify(redactDeep(state, fold.redactor)) });
}


async function resolveRepo(req: RunRequest, row: SessionRow, fd: number, adapter: Adapter<unknown>): Promise<string | null> {
  if (req.repo) return usableDir(req.repo) ? repoRoot(req.repo) : null;
  if (row.repo && usableDir(row.repo)) return row.repo;
  const cwd = req.cwd && usableDir(req.cwd) ? req.cwd : discoverCwd(readLines(fd, 0, CWD_LINE_LIMIT), adapter);
  return cwd && usableDir(cwd) ? repoRoot(cwd) : null;
}

function usableDir(p: string): boolean {
  if (!isAbsolute(p)) return false;
  try {
    return statSync(p).isDirectory();
  } catch {
    // Missing or unreadable: not a folder we can write into; the caller reports ENOREPO.
    return false;
  }
}
