import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FixtureDisk } from '../fixture-disk.js';

/**
 * A recorded scenario's repository, rebuilt where a test can run the pipeline against it: the
 * files as they were before the client ran (tracked ones committed well before the session), the
 * commits the session made replayed on top (empty commits with the recorded subject and committer
 * date, so a `git commit -q` that printed no hash is found by subject and time as it was in the
 * recording; the replica's hashes differ from the recorded ones but are the same on every run),
 * then the state the recording found on disk afterwards, left uncommitted. The transcripts are
 * copied with the recorded root (a temp folder long gone) replaced by the rebuilt one, so paths,
 * cwd and git read as they did for the client.
 */

/** Older than any recorded session: the window's start commit is this one. */
const BEFORE_ANY_SESSION = '2000-01-01T00:00:00Z';

export function rebuildStart(repo: string, disk: FixtureDisk): void {
  mkdirSync(repo, { recursive: true });
  for (const [path, text] of Object.entries(disk.before)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  if (disk.tracked.length === 0) {
    if (disk.commits.length > 0)
      throw new Error(`${disk.root}: ${disk.commits.length} commit(s) recorded but nothing tracked at the start`);
    return;
  }
  const git = (at: string, ...args: string[]) => {
    const r = spawnSync('git', args, {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git(BEFORE_ANY_SESSION, 'init', '-q', '-b', 'main');
  git(BEFORE_ANY_SESSION, 'config', 'user.email', 'tester@example.com');
  git(BEFORE_ANY_SESSION, 'config', 'user.name', 'Tester');
  git(BEFORE_ANY_SESSION, 'config', 'commit.gpgsign', 'false');
  git(BEFORE_ANY_SESSION, 'add', '--', ...disk.tracked);
  git(BEFORE_ANY_SESSION, 'commit', '-q', '-m', 'start of the recorded scenario');
  // What the session committed, at the time it did: shiplog looks a hashless commit up by both.
  for (const c of disk.commits) git(c.at, 'commit', '--allow-empty', '-q', '-m', c.subject);
}

/** The files as the recording found them after the client's last run (their presence is what counts). */
export function applyEnd(repo: string, disk: FixtureDisk): void {
  for (const path of [...disk.disk.created, ...disk.disk.modified]) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), `after the session: ${path}\n`);
  }
  for (const path of disk.disk.deleted) rmSync(join(repo, path), { force: true });
}

/** Copies a transcript file, or a folder of them, naming the rebuilt root where the recording named its own. */
export function copyRelocated(from: string, to: string, recordedRoot: string, repo: string): void {
  if (statSync(from).isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) copyRelocated(join(from, name), join(to, name), recordedRoot, repo);
    return;
  }
  writeFileSync(to, readFileSync(from, 'utf8').replaceAll(recordedRoot, repo));
}

/** The latest record time in a transcript: the run that reads it happens just after. */
export function lastEventTime(path: string): Date {
  let last = 0;
  for (const m of readFileSync(path, 'utf8').matchAll(/"timestamp":"([^"]+)"/g)) {
    const t = Date.parse(m[1] ?? '');
    if (Number.isFinite(t) && t > last) last = t;
  }
  if (last === 0) throw new Error(`${path}: no record time`);
  return new Date(last);
}
