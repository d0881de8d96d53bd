import { closeSync, fstatSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Agent } from '../agents/agent.js';
import { agentFor } from '../agents/registry.js';
import { resolveActor } from '../actor.js';
import { endsSession } from '../changelog/close-policy.js';
import { initialWindowState } from '../changelog/window.js';
import { writtenSoFar } from '../changelog/written-entries.js';
import type { Fragment } from '../devlog/fragment.js';
import { ConversationEntry } from '../devlog/schema.js';
import { renderEntry } from '../devlog/write.js';
import type { Logger } from '../log.js';
import { statePaths } from '../paths.js';
import { createRedactor } from '../redact/redact.js';
import { loadKnownSecrets } from './secret-store.js';
import { getSession, newSession, type SessionRow } from '../state/sessions.js';
import { commitBatch, type ReadingRun, readInBatches } from './batches.js';
import { startAtCursor } from './cursor.js';
import { writeDevlogFile } from './devlog-file.js';
import { flushWindows } from './flush-windows.js';
import { foldFor } from './fold.js';
import { openSource } from './open-transcript.js';
import { observeDisk } from './reconcile-windows.js';
import { bookRun } from './run-book.js';
import { RunError } from './run-error.js';
import type { RunContext, RunOutcome, RunRequest } from './run-types.js';
import { resolveRepo } from './session-repo.js';

/**
 * One run over one session: read the bytes appended since the cursor (cursor.ts), fold them into
 * the devlog and the open window (fold.ts), store everything in one transaction per batch
 * (batches.ts), close the window if the trigger says so, rewrite the devlog file
 * (devlog-file.ts), and append any closed windows (flush-windows.ts); the run's own record is
 * kept by run-book.ts.
 */

export type { RunContext, RunOutcome, RunRequest };

export async function runSession(ctx: RunContext, req: RunRequest): Promise<RunOutcome> {
  const now = () => (ctx.now ? ctx.now() : new Date()).toISOString();
  const agent = agentFor(req.agent);
  return bookRun({ db: ctx.db, log: ctx.log, now }, req, (outcome) => runInner(ctx, req, agent, outcome, now));
}

async function runInner(
  ctx: RunContext,
  req: RunRequest,
  agent: Agent,
  outcome: RunOutcome,
  now: () => string,
): Promise<void> {
  const { db, log, config } = ctx;
  if (!isAbsolute(req.transcriptPath)) {
    throw new RunError(`transcript path is not absolute: ${req.transcriptPath}`, 'EBADPATH');
  }
  const stored = getSession(db, req.sessionId) ?? newSession(req.sessionId, req.agent, req.transcriptPath, now());
  // With the session's known secrets: a value recognised in an earlier run is found again here.
  const redactor = createRedactor({
    allow: config.redact.allow,
    extra: config.redact.extra,
    known: loadKnownSecrets(db, req.sessionId),
  });
  const format = agent.format(req.transcriptPath);
  const paths = statePaths(ctx.stateDir);
  const source = openSource(format, req.transcriptPath, paths.documents, (text) => redactor.redact(text));
  let fragment: Fragment | null = null;
  try {
    const end = fstatSync(source.fd).size;
    const start = startAtCursor(ctx, stored, {
      sessionId: req.sessionId,
      transcriptPath: req.transcriptPath,
      fd: source.fd,
      size: end,
      fragmentPath: paths.fragment(req.sessionId),
    });
    fragment = start.fragment;
    outcome.resync = start.resync;
    const { row } = start;
    row.inode = source.inode;
    const repo = await resolveRepo(req, row, source.fd, agent.adapter);
    if (!repo) {
      throw new RunError(`cannot tell which repository ${req.transcriptPath} belongs to (no usable cwd)`, 'ENOREPO');
    }
    row.repo = repo;
    outcome.repo = repo;
    // Asked only by a run that needs it: most short runs close no window, and the git the actor
    // may come from (user.email) costs such a run ~15 ms of CPU.
    let actor: string | undefined;
    const actorNow = async () => (actor ??= await resolveActor(config.changelog.actor, repo));
    await resumeAfterEntries(row, { log, sessionId: req.sessionId, repo, actor: actorNow });

    const fold = foldFor(agent.adapter, row, { sessionId: req.sessionId, config, redactor, repo });
    fold.windows.assumeCwd(req.cwd ?? repo);
    const run: ReadingRun = {
      db,
      log,
      config,
      now,
      repo,
      row,
      fold,
      redactor,
      sessionId: req.sessionId,
      transcriptPath: req.transcriptPath,
      tool: agent.tool,
      source: { fd: source.fd, kind: format.kind, end, fileSize: source.size },
      fragment: start.fragment,
      actor: actorNow,
    };
    const locateSubagent = agent.subagents?.(req.transcriptPath) ?? (() => null);
    const cursor = await readInBatches(run, outcome, start.ignoreWindowUntil, locateSubagent);
    await finishReading(run, req, outcome, cursor);
    const scrub = (text: string) => redactor.known.scrub(text);
    const openEntries = () => fold.devlog.openEntries().map((e) => scrub(renderEntry(ConversationEntry.parse(e))));
    await writeDevlogFile(
      { db, log, config, now },
      { sessionId: req.sessionId, repo, row, fragment: start.fragment, openEntries },
      outcome,
    );
  } finally {
    closeSync(source.fd);
    fragment?.close();
  }
  outcome.windows = await flushWindows(ctx, req.sessionId, now);
}

/**
 * A session the state does not know that already has entries (state.db was lost): its windows
 * resume after them instead of writing their work again.
 */
async function resumeAfterEntries(
  row: SessionRow,
  s: { log: Logger; sessionId: string; repo: string; actor: () => Promise<string> },
): Promise<void> {
  if (row.window_state !== null) return;
  const written = writtenSoFar(s.repo, await s.actor(), s.sessionId);
  if (!written) return;
  row.window_state = JSON.stringify({ ...initialWindowState(), ...written });
  s.log.info(
    { session: s.sessionId, ...written },
    'session rebuilt after its entries; windows resume after the last one',
  );
}

/** The end of the reading: the tallies, the trigger's close, and the last commit, at `cursor`. */
async function finishReading(run: ReadingRun, req: RunRequest, outcome: RunOutcome, cursor: number): Promise<void> {
  const { fold, row, now } = run;
  for (const [reason, n] of Object.entries(fold.skipped)) outcome.skipped[reason] = n;
  outcome.redactions = { ...fold.redactor.counts };
  // What the disk shows right after the session's latest event: the effect of the open window.
  observeDisk(fold.windows, run.repo, new Date(now()));
  if (req.close) fold.windows.close(req.close);
  if (endsSession(req.close)) row.ended_at = now();
  row.cwd = req.cwd ?? fold.cwd ?? row.cwd;
  await commitBatch(run, cursor);
  if (outcome.oversized > 0 || Object.keys(outcome.skipped).length > 0) {
    run.log.info({ session: req.sessionId, oversized: outcome.oversized, skipped: outcome.skipped }, 'lines skipped');
  }
}
