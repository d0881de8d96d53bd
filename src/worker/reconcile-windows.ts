import { lstatSync } from 'node:fs';
import type { Logger } from '../log.js';
import { claimedPaths, type DiskFacts, pathsToCheck, reconcile } from '../changelog/reconcile.js';
import type { ClosedWindow, WindowTracker } from '../changelog/window.js';
import { commitBefore, committedSince, isWorkTree, parentOf, trackedIn } from '../git.js';

/**
 * How recent the window's last event must be for the disk to show its effect: the hooks run the
 * worker as a turn ends, so a run that reads an older tail (backfill, a job taken up late) sees a
 * disk others may have changed since, and looks at nothing.
 */
export const OBSERVE_WITHIN_MS = 10 * 60_000;

/**
 * At the end of a run, notes which files the open window claims to have created or changed are
 * missing on disk, when its last event is recent (see OBSERVE_WITHIN_MS). lstat only: a path from
 * the transcript is never read or followed.
 */
export function observeDisk(windows: WindowTracker, repo: string, now: Date): void {
  const w = windows.current();
  if (w === null || w.end === null) return;
  const age = now.getTime() - Date.parse(w.end);
  if (!(age >= -OBSERVE_WITHIN_MS && age <= OBSERVE_WITHIN_MS)) return;
  windows.observeAbsent(claimedPaths(w, repo).filter(missing));
}

function missing(abs: string): boolean {
  try {
    return lstatSync(abs, { throwIfNoEntry: false }) === undefined;
  } catch {
    // Not readable (a folder without search permission, a path too long): nothing is known, so
    // the claim stands.
    return false;
  }
}

/**
 * Each closed window with its file claims checked against git (reconcile.ts). Git is asked only
 * about windows whose claims it can correct; where it cannot answer (no repository, a timeout)
 * the transcript's claims stand and the log says why.
 */
export async function reconcileWindows(closed: ClosedWindow[], repo: string, log: Logger): Promise<ClosedWindow[]> {
  const out: ClosedWindow[] = [];
  for (const c of closed) {
    const check = pathsToCheck(c.window, repo);
    if (check.created.length === 0 && check.absent.length === 0) {
      out.push(c);
      continue;
    }
    const base = await startCommit(c, repo);
    const facts: DiskFacts = {
      trackedAtStart: (base !== null && check.created.length > 0 ? await trackedIn(repo, base, check.created) : null) ?? new Set(),
      committedSince: new Set(),
    };
    if (check.absent.length > 0) {
      // Outside a repository nothing was committed; the disk alone says what is there.
      const committed = (await committedSince(repo, base, check.absent)) ?? ((await isWorkTree(repo)) === false ? new Set<string>() : null);
      if (committed === null) {
        // Without git's word a missing file may have been committed and moved away since: keep the claims.
        log.info({ run_id: c.runId, repo }, 'git did not say what was committed; file claims kept as the transcript has them');
        out.push(c);
        continue;
      }
      facts.committedSince = committed;
    }
    out.push(reconcile(c, repo, facts));
  }
  return out;
}

/** The commit the window started from: the parent of its first commit, else HEAD's newest commit before it began. */
async function startCommit(c: ClosedWindow, repo: string): Promise<string | null> {
  const first = c.window.commits.find((x) => x.hash.length >= 40);
  const parent = first ? await parentOf(repo, first.hash) : null;
  if (parent !== null) return parent;
  // No commit in the window, a root commit, or one this repository does not hold.
  const start = Date.parse(c.window.start ?? '');
  return Number.isFinite(start) ? commitBefore(repo, new Date(start)) : null;
}
