import type { Agent } from '../agents/agent.js';
import { resolveCommits, unresolvedSpan } from '../changelog/resolve-commits.js';
import type { Config } from '../config/config.js';
import type { Fragment } from '../devlog/fragment.js';
import { ConversationEntry } from '../devlog/schema.js';
import { renderEntry } from '../devlog/write.js';
import { commitsBetween } from '../git.js';
import type { Logger } from '../log.js';
import { redactDeep, type Redactor } from '../redact/redact.js';
import { saveKnownSecrets, scrubStoredWindows } from './secret-store.js';
import type { Db } from '../state/db.js';
import { insertWindow, type SessionRow, saveSession, saveSubagentCursor } from '../state/sessions.js';
import { readLines } from '../tail/tail.js';
import { cursorAt, type ReadSource } from './cursor.js';
import { type Fold, readSubagent } from './fold.js';
import { reconcileWindows } from './reconcile-windows.js';
import type { RunOutcome } from './run-types.js';
import { windowRow } from './window-row.js';

/**
 * A run reads the new lines in batches and stores each batch in one transaction: the cursor, the
 * devlog fragment's length, the states of the fold, the windows it closed. A run killed at any
 * instant leaves a consistent cursor, and repeats at most one batch.
 */

/**
 * Lines and bytes per database transaction. Each commit stores the whole (bounded) state, so
 * the batch is large enough that small-lined rollouts (Codex: ~600 bytes a line) do not spend
 * their time there, and small enough that a crash repeats little work.
 */
const BATCH_LINES = 10_000;
const BATCH_BYTES = 16 * 1024 * 1024;

/** One run over one session while it reads: what it reads, folds and stores into. */
export interface ReadingRun {
  db: Db;
  log: Logger;
  config: Config;
  now: () => string;
  sessionId: string;
  transcriptPath: string;
  tool: Agent['tool'];
  repo: string;
  /** The session row, updated as the run goes and saved at each commit. */
  row: SessionRow;
  source: ReadSource;
  fragment: Fragment;
  fold: Fold;
  redactor: Redactor;
  /** The changelog's actor, asked only by a commit that stores a closed window. */
  actor: () => Promise<string>;
}

/**
 * Reads every complete line past the row's cursor, committing each full batch; returns the
 * offset after the last line read, which the caller commits. Lines that end before
 * `ignoreWindowUntil` (a re-sync) count in the conversation, not again in the window.
 */
export async function readInBatches(
  run: ReadingRun,
  outcome: RunOutcome,
  ignoreWindowUntil: number,
  locateSubagent: (agentId: string) => string | null,
): Promise<number> {
  const { log, config, sessionId, fold } = run;
  const from = { db: run.db, sessionId, maxLineBytes: config.tail.max_line_bytes };
  let sinceCommitLines = 0;
  let sinceCommitBytes = 0;
  let cursor = run.row.offset;
  for (const item of readLines(run.source.fd, run.row.offset, {
    maxLineBytes: config.tail.max_line_bytes,
    endOffset: run.source.end,
  })) {
    const len = item.end - item.start;
    outcome.bytesRead += len;
    cursor = item.end;
    if (item.kind === 'oversized') {
      outcome.oversized++;
      log.warn({ session: sessionId, start: item.start, bytes: len }, 'skipped a line over the size cap');
    } else if (item.text.length > 0) {
      outcome.lines++;
      fold.line(item.text, item.end > ignoreWindowUntil, (agentId, agentType) =>
        readSubagent(fold, { path: locateSubagent(agentId), agentId, agentType }, from, outcome),
      );
    }
    sinceCommitLines++;
    sinceCommitBytes += len;
    if (sinceCommitLines >= BATCH_LINES || sinceCommitBytes >= BATCH_BYTES) {
      await commitBatch(run, cursor);
      sinceCommitLines = 0;
      sinceCommitBytes = 0;
    }
  }
  return cursor;
}

/** Stores everything read before `offset`: after it, those bytes count and are never read again. */
export async function commitBatch(run: ReadingRun, offset: number): Promise<void> {
  const { db, sessionId, row, fragment, fold, redactor } = run;
  const scrub = (text: string) => redactor.known.scrub(text);
  const cursor = cursorAt(run.source, offset, row);
  // Bytes first, then the commit that makes them count: a crash in between leaves bytes past
  // `frag_bytes`, which the next run cuts off.
  // Entries finalized before a value was learnt (earlier runs, or earlier in this one) lose it now.
  const learnt = redactor.known.takeLearned();
  if (learnt.length > 0) fragment.rewrite((text) => redactor.known.scrub(text, learnt));
  fragment.append(fold.devlog.takeFinalized().map((e) => scrub(renderEntry(ConversationEntry.parse(e)))));
  const taken = fold.windows.takeClosed();
  const span = unresolvedSpan(taken);
  // Before the transaction: git has a deadline of its own, and no transaction waits for it.
  const commitLog = span ? ((await commitsBetween(run.repo, span.since, span.until)) ?? []) : [];
  const closed = await reconcileWindows(
    taken.map((c) => resolveCommits(c, commitLog)),
    run.repo,
    run.log,
  );
  const actor = closed.length > 0 ? await run.actor() : '';
  db.transaction(() => {
    row.frag_bytes = fragment.bytes;
    for (const c of closed) insertWindow(db, windowRow(c, entryContext(run, actor), run), run.now());
    for (const [path, sub] of fold.subagentCursors) saveSubagentCursor(db, sessionId, path, sub);
    saveKnownSecrets(db, sessionId, redactor.known);
    if (learnt.length > 0) scrubStoredWindows(db, sessionId, (text) => redactor.known.scrub(text, learnt));
    Object.assign(row, cursor);
    // Stored state holds transcript text (subagent task descriptions, open entries, the open
    // window): the adapter's is raw, the others were redacted before later-learnt values.
    row.adapter_state = JSON.stringify(redactDeep(fold.adapterState, redactor));
    row.devlog_state = scrub(JSON.stringify(fold.devlog.snapshot()));
    row.window_state = scrub(JSON.stringify(fold.windows.snapshot()));
    row.last_event_at = fold.lastEventAt ?? row.last_event_at;
    row.updated_at = run.now();
    saveSession(db, row);
  })();
}

function entryContext(run: ReadingRun, actor: string) {
  return {
    tool: run.tool,
    actor,
    repo: run.repo,
    projectDir: run.fold.windows.cwd(),
    sessionId: run.sessionId,
    transcriptPath: run.transcriptPath,
    fallbackTime: run.now(),
  };
}
