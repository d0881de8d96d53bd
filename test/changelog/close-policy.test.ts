import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ClosePolicy,
  closeAtRunEnd,
  closeBeforeEvent,
  closePolicy,
  endsSession,
  idleBefore,
  isIdle,
  moreMayFollow,
  type RunTrigger,
  type WindowBeforeEvent,
} from '../../src/changelog/close-policy.js';

/** The close policy is pure: every case is a row of inputs and the answer. */

const MIN = 60_000;
const session: ClosePolicy = { granularity: 'session', idleMs: 30 * MIN };
const turn: ClosePolicy = { granularity: 'turn', idleMs: 30 * MIN };
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const at = (min: number) => new Date(T0 + min * MIN).toISOString();

describe('close policy', () => {
  it('takes the granularity and the idle time from the changelog settings', () => {
    assert.deepEqual(closePolicy({ granularity: 'turn', idle_minutes: 2.5 }), { granularity: 'turn', idleMs: 150_000 });
  });

  it('one idle rule: quiet for longer than the idle time', () => {
    const rows: [quietMs: number, idle: boolean][] = [
      [0, false],
      [30 * MIN - 1, false],
      [30 * MIN, false],
      [30 * MIN + 1, true],
      [5 * 60 * MIN, true],
    ];
    for (const [quiet, idle] of rows) {
      assert.equal(isIdle(session, T0, T0 + quiet), idle, `quiet ${quiet} ms`);
      // The bound a query uses says the same: last activity before it is idle.
      assert.equal(T0 < idleBefore(session, new Date(T0 + quiet)).getTime(), idle, `bound, quiet ${quiet} ms`);
    }
  });

  it('by the events: a gap longer than the idle time, and in turn granularity a prompt after work', () => {
    const open: WindowBeforeEvent = { open: true, hasWork: true, lastEventAt: at(0) };
    const rows: [
      name: string,
      policy: ClosePolicy,
      window: WindowBeforeEvent,
      event: { kind: string; at?: string },
      want: string | null,
    ][] = [
      [
        'no window open',
        session,
        { open: false, hasWork: false, lastEventAt: at(0) },
        { kind: 'prompt', at: at(90) },
        null,
      ],
      ['a reply after a break', session, open, { kind: 'reply', at: at(31) }, 'idle-gap'],
      ['a gap of exactly the idle time', session, open, { kind: 'prompt', at: at(30) }, null],
      ['an event with no time', session, open, { kind: 'prompt' }, null],
      ['the first event counted', session, { ...open, lastEventAt: null }, { kind: 'prompt', at: at(90) }, null],
      ['a prompt in session granularity', session, open, { kind: 'prompt', at: at(1) }, null],
      ['a prompt after work, turn granularity', turn, open, { kind: 'prompt', at: at(1) }, 'turn'],
      [
        'a prompt before any work, turn granularity',
        turn,
        { ...open, hasWork: false },
        { kind: 'prompt', at: at(1) },
        null,
      ],
      ['a reply, turn granularity', turn, open, { kind: 'reply', at: at(1) }, null],
      ['a prompt after a break, turn granularity', turn, open, { kind: 'prompt', at: at(45) }, 'idle-gap'],
    ];
    for (const [name, policy, window, event, want] of rows)
      assert.equal(closeBeforeEvent(policy, window, event), want, name);
  });

  it('by a trigger or the clock, at the end of a run', () => {
    const hooks = (sessionEnd: { reason?: string } | null, turnEnd: boolean): RunTrigger => ({
      kind: 'hooks',
      sessionEnd,
      turnEnd,
    });
    const clock = (quietMin: number): RunTrigger => ({ kind: 'clock', lastActivityMs: T0, nowMs: T0 + quietMin * MIN });
    const rows: [name: string, policy: ClosePolicy, trigger: RunTrigger, want: string | null][] = [
      ['SessionEnd', session, hooks({ reason: 'logout' }, false), 'session-end'],
      ['SessionEnd with no reason', session, hooks({}, true), 'session-end'],
      ['/clear', session, hooks({ reason: 'clear' }, true), 'clear'],
      ['a turn ends, session granularity', session, hooks(null, true), null],
      ['a turn ends, turn granularity', turn, hooks(null, true), 'turn'],
      ['a subagent ends, turn granularity', turn, hooks(null, false), null],
      ['a sweep of a quiet session', session, clock(31), 'idle'],
      ['a sweep of a session quiet for exactly the idle time', session, clock(30), null],
      ['a sweep of a live session', session, clock(3), null],
      ['shiplog flush', session, { kind: 'flush' }, 'flush'],
      ['shiplog process', session, { kind: 'process', keepOpen: false }, 'process'],
      ['shiplog process --keep-open', session, { kind: 'process', keepOpen: true }, null],
      ['backfill of a finished session', session, { kind: 'backfill', idle: true }, 'backfill'],
      ['backfill of a live session', session, { kind: 'backfill', idle: false }, null],
    ];
    for (const [name, policy, trigger, want] of rows) assert.equal(closeAtRunEnd(policy, trigger), want, name);
  });

  it('which closes end the session, and after which more may follow', () => {
    const rows: [reason: string | null, ends: boolean, more: boolean][] = [
      ['session-end', true, false],
      ['clear', true, false],
      ['idle-gap', false, true],
      ['turn', false, true],
      ['idle', false, false],
      ['flush', false, false],
      ['process', false, false],
      ['backfill', false, false],
      [null, false, false],
    ];
    for (const [reason, ends, more] of rows) {
      assert.equal(endsSession(reason), ends, `${reason} ends the session`);
      if (reason !== null) assert.equal(moreMayFollow(reason), more, `more may follow ${reason}`);
    }
  });
});
