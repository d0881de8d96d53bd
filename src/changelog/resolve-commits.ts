import { UNRESOLVED_COMMIT, type ClosedWindow } from './window.js';

/** A commit as `git log` lists it: subject only, committer time in ms. */
export interface LoggedCommit {
  hash: string;
  message: string;
  at: number;
}

/** The commit's clock and the transcript's may disagree a little. */
const SLACK_MS = 60_000;

interface Span {
  since: number;
  until: number;
}

/** A hash as git printed it after `git commit` (7–12 characters), or none at all (`-q`). */
const isPartial = (hash: string) => hash.length < FULL_HASH;
const FULL_HASH = 40;

function spanOf(c: ClosedWindow): Span | null {
  if (!c.window.commits.some((x) => isPartial(x.hash))) return null;
  const since = Date.parse(c.window.start ?? '') - SLACK_MS;
  const until = Date.parse(c.window.end ?? '') + SLACK_MS;
  return Number.isFinite(since) && Number.isFinite(until) ? { since, until } : null;
}

/**
 * The time span `git log` must cover to resolve every commit of these windows that git named
 * only by a short hash (or by none, `git commit -q`), or null when none has one: a single lookup
 * serves them all, so entries of both agents carry full hashes.
 */
export function unresolvedSpan(closed: readonly ClosedWindow[]): { since: Date; until: Date } | null {
  const spans = closed.map(spanOf).filter((s): s is Span => s !== null);
  if (spans.length === 0) return null;
  return {
    since: new Date(Math.min(...spans.map((s) => s.since))),
    until: new Date(Math.max(...spans.map((s) => s.until))),
  };
}

/**
 * A short hash becomes the full hash of the commit in `log` it starts (kept short when the log
 * does not hold it: a repository elsewhere, history rewritten). Each unresolved commit becomes the
 * newest commit in `log` (newest first) made within the window's span whose subject is the
 * commit's message (any subject, when the message is not known); one that cannot be found is left
 * out rather than kept without a hash.
 */
export function resolveCommits(closed: ClosedWindow, log: readonly LoggedCommit[]): ClosedWindow {
  const w = closed.window;
  if (!w.commits.some((c) => isPartial(c.hash))) return closed;
  const span = spanOf(closed);
  const commits: typeof w.commits = [];
  for (const c of w.commits) {
    if (c.hash !== UNRESOLVED_COMMIT) {
      const full = isPartial(c.hash) ? log.find((l) => l.hash.startsWith(c.hash.toLowerCase())) : undefined;
      if (!commits.some((x) => x.hash === (full?.hash ?? c.hash)))
        commits.push(full ? { hash: full.hash, message: c.message } : c);
    } else if (span) {
      const subject = c.message.split('\n')[0];
      // `at` is whole seconds, as git compares --since: a commit in the span's first second counts.
      const found = log.find(
        (l) => l.at >= span.since - 999 && l.at <= span.until && (c.message === '' || l.message === subject),
      );
      if (found && !commits.some((x) => x.hash === found.hash))
        commits.push({ hash: found.hash, message: found.message });
    }
  }
  return { ...closed, window: { ...w, commits } };
}
