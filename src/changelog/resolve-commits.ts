import type { LoggedCommit } from '../git.js';
import { UNRESOLVED_COMMIT, type ClosedWindow } from './window.js';

/** The commit's clock and the transcript's may disagree a little. */
const SLACK_MS = 60_000;

interface Span {
  since: number;
  until: number;
}

function spanOf(c: ClosedWindow): Span | null {
  if (!c.window.commits.some((x) => x.hash === UNRESOLVED_COMMIT)) return null;
  const since = Date.parse(c.window.start ?? '') - SLACK_MS;
  const until = Date.parse(c.window.end ?? '') + SLACK_MS;
  return Number.isFinite(since) && Number.isFinite(until) ? { since, until } : null;
}

/**
 * The time span `git log` must cover to resolve every `git commit -q` (which printed no hash)
 * of these windows, or null when none has one: a single lookup serves them all.
 */
export function unresolvedSpan(closed: readonly ClosedWindow[]): { since: Date; until: Date } | null {
  const spans = closed.map(spanOf).filter((s): s is Span => s !== null);
  if (spans.length === 0) return null;
  return { since: new Date(Math.min(...spans.map((s) => s.since))), until: new Date(Math.max(...spans.map((s) => s.until))) };
}

/**
 * Each unresolved commit of the window becomes the newest commit in `log` (newest first) made
 * within the window's span whose subject is the commit's message (any subject, when the message
 * is not known); one that cannot be found is left out rather than kept without a hash.
 */
export function resolveCommits(closed: ClosedWindow, log: readonly LoggedCommit[]): ClosedWindow {
  const w = closed.window;
  if (!w.commits.some((c) => c.hash === UNRESOLVED_COMMIT)) return closed;
  const span = spanOf(closed);
  const commits: typeof w.commits = [];
  for (const c of w.commits) {
    if (c.hash !== UNRESOLVED_COMMIT) commits.push(c);
    else if (span) {
      const subject = c.message.split('\n')[0];
      // `at` is whole seconds, as git compares --since: a commit in the span's first second counts.
      const found = log.find((l) => l.at >= span.since - 999 && l.at <= span.until && (c.message === '' || l.message === subject));
      if (found && !commits.some((x) => x.hash === found.hash)) commits.push({ hash: found.hash, message: found.message });
    }
  }
  return { ...closed, window: { ...w, commits } };
}
