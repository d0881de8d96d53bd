import { lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, relative, sep } from 'node:path';
import fg from 'fast-glob';
import { z } from 'zod';
import type { AgentName } from '../adapters/adapter.js';
import { threadIdFromRolloutName } from '../adapters/detect.js';
import { isSafeId } from '../ids.js';
import { transcriptCwd } from '../worker/transcript-cwd.js';
import { isSubagentRollout, parseJson } from '../adapters/codex/subagent-rollout.js';

export { isSubagentRollout };

/**
 * Which existing transcripts `shiplog backfill` runs through the pipeline, and which it leaves
 * out and why. Only the files a hook would name are sessions: subagent transcripts are read
 * through their parent by the pipeline, so listing them here would count their work twice.
 */

export interface Transcript {
  agent: AgentName;
  sessionId: string;
  path: string;
  size: number;
  mtimeMs: number;
}

export interface Located extends Transcript {
  /** The first working folder the transcript names: where the session's outputs go. */
  cwd: string;
}

export interface Skipped {
  agent: AgentName;
  sessionId: string;
  path: string;
  size: number;
  reason: string;
}

export interface DiscoverOptions {
  agents: readonly AgentName[];
  claudeDir: string;
  codexHome: string;
  /** Only files modified at or after this time. */
  since?: Date | null;
}

// Not `onlyFiles`: it drops links silently, and a link in place of a transcript deserves a reason.
const GLOB = { absolute: true, onlyFiles: false, followSymbolicLinks: false, suppressErrors: true, dot: false } as const;

export function discoverTranscripts(opts: DiscoverOptions): { transcripts: Transcript[]; skipped: Skipped[] } {
  const transcripts: Transcript[] = [];
  const skipped: Skipped[] = [];
  const consider = (agent: AgentName, path: string, sessionId: string | undefined) => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      // Gone between the listing and now (an agent cleaning up): nothing to back fill.
      return;
    }
    if (opts.since && st.mtimeMs < opts.since.getTime()) return;
    const id = sessionId ?? basename(path, '.jsonl');
    const base = { agent, sessionId: id, path, size: st.size };
    // The pipeline refuses links (their target would end up in a repository); say so up front.
    if (st.isSymbolicLink()) skipped.push({ ...base, reason: 'the transcript is a symbolic link; not followed' });
    else if (!st.isFile()) skipped.push({ ...base, reason: 'not a regular file' });
    else if (!isSafeId(id)) skipped.push({ ...base, reason: `"${id}" is not a usable session id` });
    else transcripts.push({ ...base, mtimeMs: st.mtimeMs });
  };

  if (opts.agents.includes('claude-code')) {
    // `<project>/<session>.jsonl` only: `<project>/<session>/subagents/agent-*.jsonl` is read
    // through its parent, and top-level `agent-*.jsonl` are the old sidechain files.
    for (const path of fg.sync('projects/*/*.jsonl', { ...GLOB, cwd: opts.claudeDir })) {
      if (!basename(path).startsWith('agent-')) consider('claude-code', path, undefined);
    }
  }
  if (opts.agents.includes('codex')) {
    const rollouts = fg.sync(['sessions/*/*/*/rollout-*.jsonl', 'archived_sessions/rollout-*.jsonl'], { ...GLOB, cwd: opts.codexHome });
    const before = transcripts.length;
    for (const path of rollouts) {
      const id = threadIdFromRolloutName(basename(path));
      if (id === undefined) continue; // not a rollout name Codex writes
      consider('codex', path, id);
    }
    const codex = transcripts.splice(before);
    transcripts.push(...codexSessions(codex, skipped));
  }
  transcripts.sort(byAge);
  return { transcripts, skipped };
}

/** Oldest first, so each repository's changelog grows in the order the work happened. */
const byAge = (a: Transcript, b: Transcript): number => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Drops subagent threads (read through their parent) and second copies of one thread. */
function codexSessions(rollouts: Transcript[], skipped: Skipped[]): Transcript[] {
  const byId = new Map<string, Transcript>();
  for (const r of rollouts) {
    if (isSubagentRollout(r.path)) continue;
    const other = byId.get(r.sessionId);
    if (!other) {
      byId.set(r.sessionId, r);
      continue;
    }
    // An archived thread can be left beside its live copy: the larger one holds everything.
    const [keep, drop] = r.size > other.size ? [r, other] : [other, r];
    byId.set(r.sessionId, keep);
    skipped.push({ agent: 'codex', sessionId: drop.sessionId, path: drop.path, size: drop.size, reason: `another copy of this thread is larger: ${keep.path}` });
  }
  return [...byId.values()];
}

/**
 * Reads each transcript's working folder, keeps those inside `repo` (when given), and skips
 * those whose folder is unknown or gone: there is no repository to write their entries into.
 */
export function locateSessions(transcripts: Transcript[], opts: { repo?: string | null; cwdOf?: (t: Transcript) => string | null } = {}): { sessions: Located[]; skipped: Skipped[] } {
  const cwdOf = opts.cwdOf ?? ((t: Transcript) => transcriptCwd(t.path, t.agent));
  const scope = opts.repo ? [opts.repo, realOrNull(opts.repo)].filter((p): p is string => p !== null) : null;
  const sessions: Located[] = [];
  const skipped: Skipped[] = [];
  for (const t of transcripts) {
    const skip = (reason: string) => skipped.push({ agent: t.agent, sessionId: t.sessionId, path: t.path, size: t.size, reason });
    const cwd = cwdOf(t);
    if (cwd === null || !isAbsolute(cwd)) {
      // With --repo, a session that names no folder cannot be in it.
      if (!scope) skip('the transcript names no working folder');
      continue;
    }
    const real = isDir(cwd) ? realOrNull(cwd) : null;
    if (scope && !scope.some((dir) => inside(real ?? cwd, dir))) continue;
    if (real === null) skip(`working folder ${cwd} no longer exists`);
    else sessions.push({ ...t, cwd });
  }
  return { sessions, skipped };
}

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** A folder that exists and can be looked into; false for anything else. */
export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    // Missing or unreadable: the caller reports the folder as gone.
    return false;
  }
}

function realOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    // Missing: compared by its text alone.
    return null;
  }
}

/** What the state database knows of a session, as far as "is there anything new" goes. */
export interface KnownSession {
  transcript_path: string;
  offset: number;
  window_state: string | null;
}

const OpenWindowOnly = z.object({ cur: z.unknown() });

/**
 * Nothing for a run to do: every byte is read, no window waits to be written, and the window is
 * either closed already or rightly still open (the session is live, its hooks will close it).
 */
export function isUpToDate(known: KnownSession | null, t: Pick<Transcript, 'path' | 'size'>, opts: { idle: boolean; unwrittenWindows: number }): boolean {
  if (known === null || known.transcript_path !== t.path || known.offset !== t.size) return false;
  if (opts.unwrittenWindows > 0) return false;
  const state = known.window_state === null ? null : OpenWindowOnly.safeParse(parseJson(known.window_state));
  const closed = state === null || (state.success && (state.data.cur === null || state.data.cur === undefined));
  return closed || !opts.idle;
}

/** The bytes a run would read: the part past the stored cursor when it is for this very file. */
export function newBytes(known: KnownSession | null, t: Pick<Transcript, 'path' | 'size'>): number {
  return known !== null && known.transcript_path === t.path && known.offset <= t.size ? t.size - known.offset : t.size;
}
