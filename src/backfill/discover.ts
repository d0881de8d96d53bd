import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import fg from 'fast-glob';
import { z } from 'zod';
import { agentFor, type AgentId } from '../agents/registry.js';
import { isSafeId } from '../ids.js';
import { seenSize } from '../state/sessions.js';
import { tryParseJson } from '../try-json.js';
import { sessionIdOfName } from '../worker/sweep.js';
import { readerFor } from '../worker/reader-for.js';
import { transcriptCwd } from '../worker/transcript-cwd.js';

/**
 * Which existing transcripts `shiplog backfill` runs through the pipeline, and which it leaves
 * out and why. Only the files a hook would name are sessions: subagent transcripts are read
 * through their parent by the pipeline, so listing them here would count their work twice.
 */

export interface Transcript {
  agent: AgentId;
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
  agent: AgentId;
  sessionId: string;
  path: string;
  size: number;
  reason: string;
}

export interface DiscoverOptions {
  agents: readonly AgentId[];
  /** Where each agent's folders are ($CLAUDE_CONFIG_DIR, $CODEX_HOME, $HOME…). */
  env: NodeJS.ProcessEnv;
  /** Only files modified at or after this time. */
  since?: Date | null;
}

export function discoverTranscripts(opts: DiscoverOptions): { transcripts: Transcript[]; skipped: Skipped[] } {
  const found = new Findings();
  for (const id of opts.agents) {
    const agent = agentFor(id);
    for (const f of agent.sessions?.all(opts.env) ?? []) {
      const st = lstatOrNull(f.path);
      // Gone between the listing and now (an agent cleaning up): nothing to back fill.
      if (st === null || (opts.since && st.mtimeMs < opts.since.getTime())) continue;
      found.add(id, f.path, st, f.sessionId ?? sessionIdOfName(f.path));
    }
  }
  return found.result();
}

/** Files `backfill --path` looks at, at most: a folder of logs, not a disk. */
export const PATH_FILE_CAP = 10_000;

/**
 * `backfill --path`: the session files under a file or folder named on the command line, each
 * read by the agent whose reader makes a session of it (src/worker/reader-for.ts), chat logs of
 * other tools included. Subagent transcripts are read through their parents, as in the agents'
 * own folders; files no reader makes anything of are listed as skipped.
 */
export function discoverPath(
  path: string,
  opts: { agents: readonly AgentId[] | null; since?: Date | null },
): { transcripts: Transcript[]; skipped: Skipped[]; capped: boolean } {
  const root = lstatOrNull(path);
  const files =
    root === null
      ? []
      : root.isDirectory()
        ? fg.sync('**/*', {
            cwd: path,
            absolute: true,
            onlyFiles: false,
            followSymbolicLinks: false,
            suppressErrors: true,
            dot: false,
            deep: 8,
          })
        : [path];
  const found = new Findings();
  for (const file of files.sort().slice(0, PATH_FILE_CAP)) {
    const st = lstatOrNull(file);
    if (st === null || st.isDirectory() || (opts.since && st.mtimeMs < opts.since.getTime())) continue;
    if (st.isSymbolicLink()) {
      // No reader is asked about a link: the file it names is not read (add reports it).
      found.add('generic', file, st, sessionIdOfName(file));
      continue;
    }
    if (!st.isFile()) continue;
    const id = readerFor(file);
    if (id === undefined) {
      found.skip(
        { agent: 'generic', sessionId: sessionIdOfName(file), path: file, size: st.size },
        'not a session transcript shiplog can read',
      );
      continue;
    }
    const agent = agentFor(id);
    if ((opts.agents && !opts.agents.includes(id)) || agent.isSubagentFile?.(file)) continue;
    found.add(id, file, st, agent.sessionIdOf?.(file) ?? sessionIdOfName(file));
  }
  return { ...found.result(), capped: files.length > PATH_FILE_CAP };
}

/** Sorts the files found into sessions and skipped files, each session of an agent read once. */
class Findings {
  private readonly byAgent = new Map<AgentId, Transcript[]>();
  private readonly skipped: Skipped[] = [];

  /** A file `agent` would read as session `sessionId`, if the pipeline can take it. */
  add(agent: AgentId, path: string, st: Stats, sessionId: string): void {
    const base = { agent, sessionId, path, size: st.size };
    // The pipeline refuses links (their target would end up in a repository); say so up front.
    if (st.isSymbolicLink()) this.skip(base, 'the transcript is a symbolic link; not followed');
    else if (!st.isFile()) this.skip(base, 'not a regular file');
    else if (!isSafeId(sessionId)) this.skip(base, `"${sessionId}" is not a usable session id`);
    else {
      const mine = this.byAgent.get(agent) ?? [];
      mine.push({ ...base, mtimeMs: st.mtimeMs });
      this.byAgent.set(agent, mine);
    }
  }

  skip(file: Omit<Skipped, 'reason'>, reason: string): void {
    this.skipped.push({ ...file, reason });
  }

  result(): { transcripts: Transcript[]; skipped: Skipped[] } {
    const transcripts: Transcript[] = [];
    for (const [id, mine] of this.byAgent) {
      const picked = agentFor(id).sessions?.pickCopies?.(mine) ?? { keep: mine, drop: [] };
      transcripts.push(...picked.keep);
      for (const { file, reason } of picked.drop)
        this.skip({ agent: id, sessionId: file.sessionId, path: file.path, size: file.size }, reason);
    }
    transcripts.sort(byAge);
    return { transcripts, skipped: this.skipped };
  }
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    // Gone since the listing.
    return null;
  }
}

/** Oldest first, so each repository's changelog grows in the order the work happened. */
const byAge = (a: Transcript, b: Transcript): number =>
  a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * Reads each transcript's working folder, keeps those inside `repo` (when given), and skips
 * those whose folder is unknown or gone: there is no repository to write their entries into.
 */
export function locateSessions(
  transcripts: Transcript[],
  opts: { repo?: string | null; cwdOf?: (t: Transcript) => string | null } = {},
): { sessions: Located[]; skipped: Skipped[] } {
  const cwdOf = opts.cwdOf ?? ((t: Transcript) => transcriptCwd(t.path, t.agent));
  const scope = opts.repo ? [opts.repo, realOrNull(opts.repo)].filter((p): p is string => p !== null) : null;
  const sessions: Located[] = [];
  const skipped: Skipped[] = [];
  for (const t of transcripts) {
    const skip = (reason: string) =>
      skipped.push({ agent: t.agent, sessionId: t.sessionId, path: t.path, size: t.size, reason });
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
  /** The transcript's size as of the cursor, where it differs from the offset (src/state/sessions.ts). */
  source_size?: number | null;
  window_state: string | null;
}

const OpenWindowOnly = z.object({ cur: z.unknown() });

/**
 * Nothing for a run to do: every byte is read, no window waits to be written, and the window is
 * either closed already or rightly still open (the session is live, its hooks will close it).
 */
export function isUpToDate(
  known: KnownSession | null,
  t: Pick<Transcript, 'path' | 'size'>,
  opts: { idle: boolean; unwrittenWindows: number },
): boolean {
  if (known === null || known.transcript_path !== t.path || seenSize(known) !== t.size) return false;
  if (opts.unwrittenWindows > 0) return false;
  const state = known.window_state === null ? null : OpenWindowOnly.safeParse(tryParseJson(known.window_state));
  const closed = state === null || (state.success && (state.data.cur === null || state.data.cur === undefined));
  return closed || !opts.idle;
}

/** The bytes a run would read: the part past the stored cursor when it is for this very file. */
export function newBytes(known: KnownSession | null, t: Pick<Transcript, 'path' | 'size'>): number {
  return known !== null && known.transcript_path === t.path && seenSize(known) <= t.size
    ? t.size - seenSize(known)
    : t.size;
}
