import { closeSync, existsSync } from 'node:fs';
import type { Adapter } from '../adapters/adapter.js';
import { closePolicy } from '../changelog/close-policy.js';
import { initialWindowState, WindowState, WindowTracker } from '../changelog/window.js';
import type { Config } from '../config/config.js';
import { DevlogReducer, DevlogState, initialDevlogState } from '../devlog/reducer.js';
import type { AgentEvent, Subagent } from '../events.js';
import { redactEvent } from '../redact/event.js';
import { redactDeep, type Redactor } from '../redact/redact.js';
import type { Db } from '../state/db.js';
import { getSubagentCursor, type SessionRow } from '../state/sessions.js';
import { readLines } from '../tail/tail.js';
import { openTranscript } from './open-transcript.js';

/**
 * The fold of a session's transcript lines: the adapter turns each line into events, which the
 * devlog reducer and the window tracker take in, redacted. Holds the three states for one run,
 * restored from the session row and stored back at each commit.
 */
export class Fold {
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
    this.adapterState = row.adapter_state
      ? adapter.stateSchema.parse(JSON.parse(row.adapter_state))
      : adapter.initialState();
    this.devlog = new DevlogReducer(
      row.devlog_state ? DevlogState.parse(JSON.parse(row.devlog_state)) : initialDevlogState(),
    );
    this.windows = new WindowTracker(
      row.window_state ? WindowState.parse(JSON.parse(row.window_state)) : initialWindowState(),
      windowOpts,
    );
  }

  line(
    text: string,
    countInWindow: boolean,
    onSubagent: (agentId: string, agentType: string | undefined) => void,
  ): void {
    // Redacted before the adapter cuts anything (a command into an action, an output's tail).
    const r = this.adapter.parseLine(this.adapterState, text, {
      redact: this.redactBeforeCut,
      repoRoot: this.repoRoot,
    });
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

/** The fold of one run over a session, with the window rules of the session's configuration. */
export function foldFor(
  adapter: Adapter<unknown>,
  row: SessionRow,
  run: { sessionId: string; config: Config; redactor: Redactor; repo: string },
): Fold {
  const { changelog } = run.config;
  const windowOpts = {
    sessionId: run.sessionId,
    ...closePolicy(changelog),
    chatOnly: changelog.chat_only,
    repoRoot: run.repo,
    redact: (text: string) => run.redactor.redact(text),
    // Only an LLM evaluator reads the digest; a heuristic entry is final as the window closes.
    digest: changelog.evaluator !== 'heuristic',
  };
  return new Fold(adapter, row, windowOpts, run.redactor, run.repo);
}

/**
 * Reads the part of a subagent's own transcript not read before, at the point where the parent
 * transcript reports on that subagent, so its edits and commands count for the parent session in
 * a fixed place in the conversation. Its bytes and oversized lines count in `tally`.
 */
export function readSubagent(
  fold: Fold,
  ref: { path: string | null; agentId: string; agentType: string | undefined },
  from: { db: Db; sessionId: string; maxLineBytes: number },
  tally: { bytesRead: number; oversized: number },
): void {
  const { path } = ref;
  if (path === null || !existsSync(path)) return;
  const known = fold.subagentCursors.get(path) ?? getSubagentCursor(from.db, from.sessionId, path);
  let state = known?.adapter_state
    ? fold.adapter.stateSchema.parse(JSON.parse(known.adapter_state))
    : fold.adapter.initialState();
  let offset = known?.offset ?? 0;
  const subagent: Subagent = { id: ref.agentId, ...(ref.agentType !== undefined && { type: ref.agentType }) };
  const fd = openTranscript(path);
  try {
    for (const item of readLines(fd, offset, { maxLineBytes: from.maxLineBytes })) {
      offset = item.end;
      tally.bytesRead += item.end - item.start;
      if (item.kind === 'oversized') {
        tally.oversized++;
        continue;
      }
      if (item.text.length === 0) continue;
      const r = fold.adapter.parseLine(state, item.text, {
        subagent,
        redact: fold.redactBeforeCut,
        repoRoot: fold.repoRoot,
      });
      state = r.state;
      for (const e of r.events) if (e.kind !== 'subagent_ref') fold.apply(e, true);
    }
  } finally {
    closeSync(fd);
  }
  fold.subagentCursors.set(path, { offset, adapter_state: JSON.stringify(redactDeep(state, fold.redactor)) });
}
