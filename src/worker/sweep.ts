import { lstatSync, statSync, type Stats } from 'node:fs';
import { basename } from 'node:path';
import { agentFor, agentList, type AgentId } from '../agents/registry.js';
import { unlessMissing } from '../missing-path.js';
import { isSafeId } from '../ids.js';
import type { Db } from '../state/db.js';
import { isKnownSession, type KnownSession, sessionsRunSince } from '../state/known-sessions.js';
import { seenSize } from '../state/sessions.js';
import { claimSweep, getMeta, setMeta } from '../state/meta.js';
import { closeAtRunEnd, closePolicy } from '../changelog/close-policy.js';
import type { DrainContext } from './drain.js';
import { runIfFree } from './idle-sweep.js';
import { sessionRepo } from './session-repo.js';
import { transcriptCwd } from './transcript-cwd.js';
import { SWEEP_EVERY_MS } from './sweep-every.js';
/**
 * The catch-up sweep: sessions whose transcript grew with no hook to say so (the client was
 * killed, its SessionEnd hook was cut short, hooks were off for the run) are read without one.
 * It looks at two kinds of file, and only at those that may have changed:
 * - sessions state.db knows (a hook saw them once) of the last two weeks with work left: a
 *   transcript now longer than what was read (one stat each), a closed window stored but not yet
 *   appended, a window left open by a run killed before it could close it, or a devlog behind
 *   what was read;
 * - transcripts no hook ever named, in the folders the clients write, created since the last
 *   complete sweep (a new file changes its folder's mtime, so unchanged folders are not listed)
 *   and not older than `installed_at`: history is `shiplog backfill`'s job, and a state folder
 *   `shiplog install` never recorded itself in looks for none.
 * A transcript still being written (changed in the last QUIET_MS, or the idle time when that is
 * shorter) is left to its hooks. One whose last change is older than the idle time has its window
 * closed, so the session gets its entry.
 */

export const QUIET_MS = 2 * 60_000;
/** Sessions run per sweep; the rest wait for the next, which does not move its floor past them. */
const SWEEP_LIMIT = 20;
const KNOWN_FOR_MS = 14 * 24 * 3_600_000;
/** Folder mtimes and the clock may disagree a little. */
const SLACK_MS = 5 * 60_000;

export interface SweepContext extends DrainContext {
  now?: () => Date;
}

export interface SweepReport {
  /** Null when another sweep ran less than a minute ago (and it was not forced). */
  ran: { session: string; agent: AgentId; closed: boolean }[] | null;
  skipped: { session: string; reason: string }[];
  /** Left for later, no error: still being written, or read by another process right now. */
  waiting: { session: string; reason: string }[];
}

export interface Found {
  agent: AgentId;
  sessionId: string;
  path: string;
  size: number;
  mtimeMs: number;
}

export async function sweep(ctx: SweepContext, opts: { force?: boolean } = {}): Promise<SweepReport> {
  const now = ctx.now ? ctx.now() : new Date();
  const turn = claimSweep(ctx.db, now, SWEEP_EVERY_MS, opts.force === true);
  if (turn === null) return { ran: null, skipped: [], waiting: [] };
  // Without an install record (`shiplog process` alone, a test's state folder, an install from
  // before the sweep) no transcript is looked for: only sessions a hook named are followed up.
  const installed = dateOr(getMeta(ctx.db, 'installed_at'));
  const done = dateOr(getMeta(ctx.db, 'sweep.done'));

  const report: SweepReport = { ran: [], skipped: [], waiting: [] };
  const candidates: Candidate[] = dueSessions(ctx.db, now);
  for (const f of installed === null ? [] : newTranscripts(ctx.env, done, installed, now)) {
    if (isKnownSession(ctx.db, f.sessionId)) continue;
    candidates.push({ ...f, cwd: null, repo: null, due: 'grown' });
  }

  let complete = true;
  for (const c of candidates) {
    if (report.ran !== null && report.ran.length >= SWEEP_LIMIT) {
      complete = false;
      break;
    }
    if (!(await sweepOne(ctx, c, now, report))) complete = false;
  }
  // Folders are skipped by their mtime only once every file in them was taken.
  if (complete) setMeta(ctx.db, 'sweep.done', now.toISOString());
  return report;
}

/** Reads one candidate when it is due; false when it is left for a later sweep. */
async function sweepOne(ctx: SweepContext, c: Candidate, now: Date, report: SweepReport): Promise<boolean> {
  const cwd = c.cwd ?? transcriptCwd(c.path, c.agent);
  if (cwd === null) {
    report.skipped.push({ session: c.sessionId, reason: 'the transcript names no working folder' });
    return true;
  }
  const { config } = ctx.configFor(
    await sessionRepo({ agent: c.agent, transcriptPath: c.path, cwd }, c.repo),
    ctx.env,
    ctx.log,
  );
  // With devlogs off the devlog never catches up with the cursor: nothing is owed.
  if (c.due === 'devlog' && !config.devlog.enabled) return true;
  const policy = closePolicy(config.changelog);
  // Still being written: its hooks will come, or the next sweep takes it. A session idle by its
  // own setting is quiet enough, however short that is.
  if (now.getTime() - c.mtimeMs < Math.min(QUIET_MS, policy.idleMs)) {
    report.waiting.push({ session: c.sessionId, reason: 'written to in the last minutes: left to its hooks' });
    return false;
  }
  // The transcript's last change is the session's last activity.
  const close = closeAtRunEnd(policy, { kind: 'clock', lastActivityMs: c.mtimeMs, nowMs: now.getTime() });
  // Read to its end with its window open: the idle close is all that is left, and not yet due.
  if (c.due === 'open' && close === null) return true;
  const { dir: stateDir, db, log, env } = ctx;
  const runCtx = { stateDir, db, log, config, env, ...(ctx.now && { now: ctx.now }) };
  const session = { sessionId: c.sessionId, agent: c.agent, transcriptPath: c.path, cwd };
  const run = await runIfFree(runCtx, { ...session, trigger: 'sweep', close });
  switch (run.kind) {
    case 'locked':
      // A worker or `shiplog process` holds it and reads the same bytes.
      report.waiting.push({ session: c.sessionId, reason: 'another shiplog process is reading it now' });
      return false;
    case 'failed':
      log.warn({ err: run.err, session: c.sessionId }, 'sweep could not read a session; the next sweep tries again');
      report.skipped.push({ session: c.sessionId, reason: errorMessage(run.err) });
      return false;
    case 'ran':
      report.ran?.push({ session: c.sessionId, agent: c.agent, closed: close !== null });
      log.info(
        { session: c.sessionId, agent: c.agent, closed: close !== null },
        'session read by the sweep (no hook named its latest bytes)',
      );
      return true;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Why a known session needs a run: its transcript grew past what was read; a closed window was
 * stored and not appended (the run was killed in between); its window is still open, which an
 * idle close ends once the transcript has been quiet for the idle time; or its devlog was not
 * written for what was read (the run was killed between its commit and the devlog, and its window
 * wrote no entry, so nothing else is left). Every run commits its cursor and closed windows
 * together, so a run killed at any moment leaves one of these.
 */
type Due = 'grown' | 'unwritten' | 'open' | 'devlog';
type Candidate = Found & { cwd: string | null; repo: string | null; due: Due };

/** Sessions of the last two weeks a hook named that have work left (see Due). */
export function dueSessions(db: Db, now: Date): Candidate[] {
  const rows = sessionsRunSince(db, new Date(now.getTime() - KNOWN_FOR_MS), now);
  const out: Candidate[] = [];
  for (const r of rows) {
    const st = statOrNull(r.transcript_path);
    if (st === null || !st.isFile()) continue;
    const due: Due | null = changed(r, st.size)
      ? 'grown'
      : r.unwritten === 1
        ? 'unwritten'
        : r.open === 1
          ? 'open'
          : r.devlog_offset !== r.offset
            ? 'devlog'
            : null;
    if (due !== null)
      out.push({
        agent: r.agent,
        sessionId: r.session_id,
        path: r.transcript_path,
        size: st.size,
        mtimeMs: st.mtimeMs,
        cwd: r.cwd,
        repo: r.repo,
        due,
      });
  }
  return out;
}

/** Whether the transcript holds more than was read: a document the client rewrites may change size either way. */
function changed(r: KnownSession, size: number): boolean {
  const seen = seenSize(r);
  return agentFor(r.agent).format(r.transcript_path).kind === 'document' ? size !== seen : size > seen;
}

/**
 * Transcripts in the clients' folders created in a folder changed since `since` (all folders
 * changed since `floor` when null), modified at or after `floor`.
 */
export function newTranscripts(env: NodeJS.ProcessEnv, since: Date | null, floor: Date, now: Date): Found[] {
  const after = Math.max(floor.getTime(), since?.getTime() ?? 0) - SLACK_MS;
  const found: Found[] = [];
  for (const agent of agentList) {
    const mine: Found[] = [];
    for (const f of agent.sessions?.recent(env, after, now) ?? []) {
      const st = lstatOrNull(f.path);
      if (st === null || !st.isFile() || st.mtimeMs < floor.getTime()) continue;
      const id = f.sessionId ?? sessionIdOfName(f.path);
      if (isSafeId(id)) mine.push({ agent: agent.id, sessionId: id, path: f.path, size: st.size, mtimeMs: st.mtimeMs });
    }
    // Two files of one session would each take the session over from the other, run after run.
    found.push(...(agent.sessions?.pickCopies?.(mine).keep ?? mine));
  }
  return found;
}

/** A transcript named by its session: the file name without its extension. */
export function sessionIdOfName(path: string): string {
  return basename(path).replace(/\.[A-Za-z]+$/, '');
}

const lstatOrNull = (path: string): Stats | null => unlessMissing(() => lstatSync(path), null);
const statOrNull = (path: string): Stats | null => unlessMissing(() => statSync(path), null);

function dateOr(text: string | null): Date | null {
  if (text === null) return null;
  const d = new Date(text);
  return Number.isFinite(d.getTime()) ? d : null;
}
