import type { Config } from '../config/config.js';

/**
 * Whether the open window closes now, and why: the one place that decides it, from the events,
 * the trigger and the clock. A window closes
 * - by the events, which the window tracker asks about before it counts each one: at a gap longer
 *   than the idle time between two records (a session resumed after a break), and in `turn`
 *   granularity at a new prompt after work;
 * - by a trigger, which a run asks about for its end: SessionEnd or /clear, the end of a turn in
 *   `turn` granularity, `shiplog flush`, `shiplog process`, a backfill of a finished session;
 * - by the clock, which the sweeps ask about: a session quiet for longer than the idle time.
 * Pure: callers bring the times, from transcripts, files or the state database.
 */

export interface ClosePolicy {
  granularity: 'session' | 'turn';
  idleMs: number;
}

/** The reasons a window closes with, as its entry and the logs carry them. */
export type CloseReason = 'idle-gap' | 'turn' | 'idle' | 'session-end' | 'clear' | 'flush' | 'process' | 'backfill';

export function closePolicy(changelog: Pick<Config['changelog'], 'granularity' | 'idle_minutes'>): ClosePolicy {
  return { granularity: changelog.granularity, idleMs: changelog.idle_minutes * 60_000 };
}

/** The idle rule: nothing happened for longer than the idle time (times in ms since the epoch). */
export function isIdle(policy: ClosePolicy, lastActivityMs: number, nowMs: number): boolean {
  return nowMs - lastActivityMs > policy.idleMs;
}

/** The idle rule as a bound a query can use: last activity before this instant is idle at `now`. */
export function idleBefore(policy: ClosePolicy, now: Date): Date {
  return new Date(now.getTime() - policy.idleMs);
}

/** The turn rule: in `turn` granularity the end of a turn (the start of the next) ends its window. */
function closesEachTurn(policy: ClosePolicy): boolean {
  return policy.granularity === 'turn';
}

/** The open window as the event rules see it. */
export interface WindowBeforeEvent {
  open: boolean;
  /** It holds a prompt, a reply, a tool call or a subagent: closing it writes an entry. */
  hasWork: boolean;
  /** The time of the latest event counted so far. */
  lastEventAt: string | null;
}

/** Whether the open window closes before `event` is counted, and why. */
export function closeBeforeEvent(
  policy: ClosePolicy,
  window: WindowBeforeEvent,
  event: { kind: string; at?: string | undefined },
): 'idle-gap' | 'turn' | null {
  if (!window.open) return null;
  if (event.at && window.lastEventAt && isIdle(policy, Date.parse(window.lastEventAt), Date.parse(event.at))) {
    return 'idle-gap';
  }
  // A prompt opening a turn of a window with no work yet keeps that window (and its run_id).
  if (event.kind === 'prompt' && closesEachTurn(policy) && window.hasWork) return 'turn';
  return null;
}

/** What set a run going, as far as closing its window is concerned. */
export type RunTrigger =
  /** One batch of hook jobs: a SessionEnd among them (with its reason), a turn's end among them. */
  | { kind: 'hooks'; sessionEnd: { reason?: string | undefined } | null; turnEnd: boolean }
  /** A sweep, with the session's last activity as it knows it. */
  | { kind: 'clock'; lastActivityMs: number; nowMs: number }
  | { kind: 'flush' }
  | { kind: 'process'; keepOpen: boolean }
  /** `idle`: the transcript is quiet by isIdle (decided when the backfill was planned). */
  | { kind: 'backfill'; idle: boolean };

/** Whether the run closes the open window at its end, and why; null leaves it open. */
export function closeAtRunEnd(policy: ClosePolicy, trigger: RunTrigger): CloseReason | null {
  switch (trigger.kind) {
    case 'hooks':
      if (trigger.sessionEnd) return trigger.sessionEnd.reason === 'clear' ? 'clear' : 'session-end';
      return trigger.turnEnd && closesEachTurn(policy) ? 'turn' : null;
    case 'clock':
      return isIdle(policy, trigger.lastActivityMs, trigger.nowMs) ? 'idle' : null;
    case 'flush':
      return 'flush';
    case 'process':
      return trigger.keepOpen ? null : 'process';
    case 'backfill':
      // A live session's window stays open for its hooks; a finished one closes like SessionEnd would.
      return trigger.idle ? 'backfill' : null;
  }
}

/** A close after which the session is over: the clock has no window of it left to close. */
export function endsSession(reason: string | null | undefined): boolean {
  return reason === 'session-end' || reason === 'clear';
}

/**
 * A close by the events or at a turn's end: the session goes on, so the next window may still
 * prove to be chat that folds into this one (`chat_only = "fold"`). Any other close is final.
 */
export function moreMayFollow(reason: string): boolean {
  return reason === 'idle-gap' || reason === 'turn';
}
