import { posix } from 'node:path';
import type { ClosedWindow, OpenWindow } from './window.js';

/**
 * The transcript is the ground truth of intent, git and the disk the ground truth of effect. A
 * window's file claims come from the calls (a `printf > VERSION` reads as creating VERSION, a
 * Write followed by `sh cleanup.sh` as creating a file the script removed); when the window
 * closes they are checked against what git knew before the window and what was on disk right
 * after its last event.
 */

/** What git and the disk say about a window's paths (repository-relative, posix). */
export interface DiskFacts {
  /** Paths tracked in the commit the window started from. */
  trackedAtStart: ReadonlySet<string>;
  /** Paths some commit since the window's start added, changed or removed. */
  committedSince: ReadonlySet<string>;
}

/** How many claimed paths are looked at on disk after a run: the rest stay as the transcript says. */
const MAX_OBSERVED = 200;

/** Repository-relative form of an absolute path inside `repo`, else null. */
export function inRepo(repo: string, abs: string): string | null {
  const rel = posix.relative(repo, abs);
  return rel !== '' && !rel.startsWith('..') && !posix.isAbsolute(rel) ? rel : null;
}

/** The paths a window claims it created or changed, inside `repo`, for the disk to confirm. */
export function claimedPaths(w: OpenWindow, repo: string): string[] {
  const out: string[] = [];
  for (const [abs, f] of Object.entries(w.files)) {
    if (out.length >= MAX_OBSERVED) break;
    if ((f.op === 'created' || f.op === 'modified') && inRepo(repo, abs) !== null) out.push(abs);
  }
  return out;
}

/** The paths whose claims git can correct: created ones, and those seen missing after the window's last event. */
export function pathsToCheck(w: OpenWindow, repo: string): { created: string[]; absent: string[] } {
  const absent = new Set(absentNow(w));
  const created: string[] = [];
  const gone: string[] = [];
  for (const [abs, f] of Object.entries(w.files)) {
    const rel = inRepo(repo, abs);
    if (rel === null) continue;
    if (f.op === 'created') created.push(rel);
    if (absent.has(abs)) gone.push(rel);
  }
  return { created, absent: gone };
}

/** Paths seen missing on disk when nothing had happened in the window since (else the sighting is stale). */
function absentNow(w: OpenWindow): string[] {
  return w.absent !== undefined && w.absent.mark === w.lastMark ? w.absent.paths : [];
}

/**
 * The window's file claims, corrected:
 * - a file it "created" that was tracked when the window began was modified;
 * - a file it "created" that was gone right after its last event and that no commit since holds
 *   was not created at all;
 * - a file it "modified" that was gone right after its last event (and not committed since) was deleted.
 */
export function reconcile(closed: ClosedWindow, repo: string, facts: DiskFacts): ClosedWindow {
  const w = closed.window;
  const absent = new Set(absentNow(w));
  let changed = false;
  const files: OpenWindow['files'] = {};
  for (const [abs, f] of Object.entries(w.files)) {
    const rel = inRepo(repo, abs);
    if (rel === null) {
      files[abs] = f;
      continue;
    }
    const gone = absent.has(abs) && !facts.committedSince.has(rel);
    if (f.op === 'created' && gone) {
      changed = true;
      continue;
    }
    if (f.op === 'created' && facts.trackedAtStart.has(rel)) {
      files[abs] = { op: 'modified' };
      changed = true;
    } else if (f.op === 'modified' && gone) {
      files[abs] = { op: 'deleted' };
      changed = true;
    } else files[abs] = f;
  }
  return changed ? { ...closed, window: { ...w, files } } : closed;
}
