// What a recorded scenario did on disk, for scripts/make-claude-fixtures.ts and
// scripts/make-codex-fixtures.ts: the workspace's repository root is snapshotted right before the
// first client run and right after the last one, and the manifest records the difference (the truth
// that touched-file claims are measured against), the commits made in between, plus what a test
// needs to rebuild the start.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The start state of a scenario's repository root may hold at most this much text (it goes into the manifest). */
export const MAX_BEFORE_BYTES = 64 * 1024;

/** Relative posix path → sha256 of the content, for every regular file under `root` except `.git/`. */
export type Snapshot = Map<string, string>;

/** A commit made between the start and the end snapshot. */
export interface Commit {
  /** Full hash in the recorded repository (gone with it; a rebuilt replica gets another). */
  hash: string;
  /** Committer date, strict ISO 8601 (`%cI`). */
  at: string;
  /** First line of the message (`%s`). */
  subject: string;
}

export interface Disk {
  created: string[];
  modified: string[];
  deleted: string[];
}

/** The manifest fields of one scenario about its disk. */
export interface DiskTruth {
  disk: Disk;
  /** `git ls-files` at the start (empty when the root is not a git repository). */
  tracked: string[];
  /** Text of every file at the start, by relative path. */
  before: Record<string, string>;
  /** The commits made from the start to the end, oldest first (empty when the root is not a git repository). */
  commits: Commit[];
}

export interface Start {
  snapshot: Snapshot;
  tracked: string[];
  before: Record<string, string>;
  /** HEAD at the start, or null when the root is not a git repository. */
  head: string | null;
}

const gitEnv = () => ({ ...process.env, GIT_CONFIG_NOSYSTEM: '1' });
const git = (root: string, args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', env: gitEnv() });

function files(root: string, rel = ''): string[] {
  return readdirSync(join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) return r === '.git' ? [] : files(root, r);
    return e.isFile() ? [r] : []; // regular files only: no symlinks, sockets, fifos
  });
}

export function snapshot(root: string): Snapshot {
  const out: Snapshot = new Map();
  for (const rel of files(root).sort()) {
    out.set(
      rel,
      createHash('sha256')
        .update(readFileSync(join(root, rel)))
        .digest('hex'),
    );
  }
  return out;
}

/** The start snapshot with `git ls-files` and every file's text; throws past MAX_BEFORE_BYTES. */
export function startState(root: string, isGit: boolean): Start {
  const snap = snapshot(root);
  const before: Record<string, string> = {};
  let total = 0;
  for (const rel of snap.keys()) {
    const body = readFileSync(join(root, rel));
    total += body.length;
    if (total > MAX_BEFORE_BYTES)
      throw new Error(
        `${root}: the files at the start are over ${MAX_BEFORE_BYTES} bytes; the manifest holds them whole, so keep the workspace tiny`,
      );
    const text = body.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(body))
      throw new Error(`${root}/${rel}: not UTF-8 text; the manifest's "before" holds text only`);
    before[rel] = text;
  }
  const tracked = isGit
    ? git(root, ['ls-files', '-z'])
        .split('\0')
        .filter((p) => p.length > 0)
        .sort()
    : [];
  const head = isGit ? git(root, ['rev-parse', 'HEAD']).trim() : null;
  return { snapshot: snap, tracked, before, head };
}

/** The commits made since the start (`<start head>..HEAD`), oldest first, with committer date and subject. */
export function commitsSince(start: Start, root: string): Commit[] {
  if (start.head === null) return [];
  return git(root, ['log', '--reverse', '--format=%H%x1f%cI%x1f%s', `${start.head}..HEAD`])
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [hash, at, subject, ...rest] = l.split('\x1f');
      if (hash === undefined || at === undefined || subject === undefined || rest.length > 0)
        throw new Error(`${root}: unexpected git log line ${JSON.stringify(l)}`);
      return { hash, at, subject };
    });
}

export function diskDiff(start: Snapshot, end: Snapshot): Disk {
  const created = [...end.keys()].filter((p) => !start.has(p)).sort();
  const deleted = [...start.keys()].filter((p) => !end.has(p)).sort();
  const modified = [...end.keys()].filter((p) => start.has(p) && start.get(p) !== end.get(p)).sort();
  return { created, modified, deleted };
}

/** The manifest fields, from the start state and the root as it is now (after the last client run). */
export function diskTruth(start: Start, root: string): DiskTruth {
  return {
    disk: diskDiff(start.snapshot, snapshot(root)),
    tracked: start.tracked,
    before: start.before,
    commits: commitsSince(start, root),
  };
}

/** One README line: what changed on disk. */
export function diskLine(d: Disk): string {
  const list = (xs: string[]) => (xs.length > 0 ? xs.map((x) => `\`${x}\``).join(', ') : 'none');
  return `On disk (repository root, start → end, \`.git/\` excluded): created ${list(d.created)}; modified ${list(d.modified)}; deleted ${list(d.deleted)}.`;
}

/** One README line: the commits made in between (ids and times change with every recording, so only the subjects). */
export function commitsLine(commits: readonly Commit[]): string {
  return `Commits (start → end, oldest first): ${commits.length > 0 ? commits.map((c) => `"${c.subject}"`).join(', ') : 'none'}.`;
}
