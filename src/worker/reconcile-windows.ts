import { lstatSync } from 'node:fs';
import type { Logger } from '../log.js';
import { claimedPaths, type DiskFacts, pathsToCheck, reconcile } from '../changelog/reconcile.js';
import type { ClosedWindow, WindowTracker } from '../changelog/window.js';
import {
  commitBefore,
  committedSince,
  firstParentHistory,
  isWorkTree,
  parentOf,
  trackedIn,
  type LoggedCommit,
} from '../git.js';

/**
 * How recent the window's last event must be for the disk to show its effect: the hooks run the
 * worker as a turn ends, so a run that reads an older tail (backfill, a job taken up late) sees a
 * disk others may have changed since, and looks at nothing.
 */
const OBSERVE_WITHIN_MS = 10 * 60_000;

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
 * about windows whose claims it can correct, and HEAD's history once for all of them; where git
 * cannot answer (no repository, a timeout) the transcript's claims stand and the log says why.
 */
export async function reconcileWindows(closed: ClosedWindow[], repo: string, log: Logger): Promise<ClosedWindow[]> {
  const checks = closed.map((c) => pathsToCheck(c.window, repo));
  if (checks.every((k) => k.created.length === 0 && k.absent.length === 0)) return closed;
  const history = await firstParentHistory(repo);
  const out: ClosedWindow[] = [];
  for (const [i, c] of closed.entries()) {
    const check = checks[i] ?? { created: [], absent: [] };
    if (check.created.length === 0 && check.absent.length === 0) {
      out.push(c);
      continue;
    }
    const base = history === null ? null : await startCommit(c, repo, history);
    const facts: DiskFacts = {
      trackedAtStart:
        (base !== null && check.created.length > 0 ? await trackedIn(repo, base, check.created) : null) ?? new Set(),
      committedSince: new Set(),
    };
    if (check.absent.length > 0) {
      // Outside a repository nothing was committed; the disk alone says what is there.
      const committed =
        history === null && (await isWorkTree(repo)) === false
          ? new Set<string>()
          : await committedSince(repo, base, check.absent);
      if (committed === null) {
        // Without git's word a missing file may have been committed and moved away since: keep the claims.
        log.info(
          { run_id: c.runId, repo },
          'git did not say what was committed; file claims kept as the transcript has them',
        );
        out.push(c);
        continue;
      }
      facts.committedSince = committed;
    }
    out.push(reconcile(c, repo, facts));
  }
  return out;
}

/**
 * The commit the window started from: the parent of its first commit, else the newest commit of
 * HEAD's history made before the window began (null: it began before the first commit).
 */
async function startCommit(c: ClosedWindow, repo: string, history: LoggedCommit[]): Promise<string | null> {
  const first = c.window.commits.find((x) => x.hash.length >= 40);
  if (first) {
    const at = history.findIndex((h) => h.hash === first.hash);
    if (at >= 0) return history[at + 1]?.hash ?? null;
    // Not on HEAD's first-parent line (a merged branch): ask git.
    const parent = await parentOf(repo, first.hash);
    if (parent !== null) return parent;
  }
  const start = Date.parse(c.window.start ?? '');
  if (!Number.isFinite(start)) return null;
  // git compares whole seconds, as `rev-list --before` would.
  const found = history.find((h) => h.at <= start);
  if (found) return found.hash;
  // Older than the history fetched: ask git (rare: a window over 2,000 commits back).
  return history.length >= 2000 ? commitBefore(repo, new Date(start)) : null;
}
