import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Adapter } from '../../src/adapters/adapter.js';
import { claudeCodeAdapter } from '../../src/agents/claude-code/adapter.js';
import { codexAdapter } from '../../src/agents/codex/adapter.js';
import { DevlogReducer, DevlogState, initialDevlogState } from '../../src/devlog/reducer.js';
import type { AgentEvent } from '../../src/events.js';
import { claudeFixture } from '../claude-fixtures.js';
import { CODEX_FIXTURES, runAdapter } from '../helpers.js';

function fold(events: AgentEvent[], state = initialDevlogState()) {
  const r = new DevlogReducer(state);
  for (const e of events) r.apply(e);
  return { entries: [...r.takeFinalized(), ...r.openEntries()], state: r.snapshot() };
}

const t = '2026-01-01T00:00:00.000Z';

describe('devlog reducer', () => {
  it('merges a streaming-split message, aggregates tool uses after it, and settles created files', () => {
    const { entries } = fold([
      { kind: 'prompt', at: t, text: 'make it', id: 'u1' },
      { kind: 'reply', at: t, text: 'First part.', messageId: 'm1', partId: 'a' },
      { kind: 'tool_call', at: t, callId: 'c1', messageId: 'm1', tool: 'Write', action: 'edited src/a.ts', files: [] },
      { kind: 'reply', at: t, text: 'Second part.', messageId: 'm1', partId: 'b' },
      { kind: 'tool_call', at: t, callId: 'c2', messageId: 'm2', tool: 'Bash', action: 'ran npm test', files: [] },
      { kind: 'tool_result', at: t, callId: 'c1', isError: false, files: [{ path: 'src/a.ts', op: 'created' }] },
    ]);
    assert.deepEqual(entries, [
      { type: 'user', timestamp: t, content: 'make it' },
      { type: 'assistant', timestamp: t, content: 'First part.\n\nSecond part.' },
      { type: 'tool_summary', actions: ['created src/a.ts', 'ran npm test (no result)'] },
    ]);
  });

  it('folds a re-written record in once, also across a stored state', () => {
    const events: AgentEvent[] = [
      { kind: 'prompt', at: t, text: 'once', id: 'u1' },
      { kind: 'reply', at: t, text: 'reply', messageId: 'm1', partId: 'p1' },
      { kind: 'tool_call', at: t, callId: 'c1', tool: 'Read', action: 'read a.ts', files: [] },
    ];
    const first = fold(events);
    const again = fold(events, DevlogState.parse(JSON.parse(JSON.stringify(first.state))));
    assert.deepEqual(again.entries, first.entries.slice(1), 'only the open entries, nothing added');
    assert.equal(fold([...events, ...events]).entries.length, 3);
  });

  it('says what became of each call: failed, refused, interrupted, with the reason', () => {
    const call = (callId: string, action: string): AgentEvent => ({
      kind: 'tool_call',
      at: t,
      callId,
      tool: 'X',
      action,
      files: [],
    });
    const { entries } = fold([
      { kind: 'prompt', at: t, text: 'try it', id: 'u1' },
      call('c1', 'ran ls missing-dir'),
      call('c2', 'edited README.md'),
      call('c3', 'edited /home/u/outside.txt'),
      call('c4', 'used WebFetch'),
      call('c5', 'ran sh slow.sh'),
      call('c6', 'edited README.md'),
      { kind: 'tool_result', at: t, callId: 'c1', isError: true, outcome: 'failed', reason: 'exit 2', exitCode: 2 },
      { kind: 'tool_result', at: t, callId: 'c2', isError: true, outcome: 'failed', reason: 'old_string not found' },
      { kind: 'tool_result', at: t, callId: 'c3', isError: true, outcome: 'refused', reason: 'not permitted' },
      { kind: 'tool_result', at: t, callId: 'c4', isError: true, outcome: 'refused', reason: 'not permitted' },
      { kind: 'tool_result', at: t, callId: 'c5', isError: true, outcome: 'interrupted', exitCode: 137 },
      // The retry worked: it keeps its own plain action.
      { kind: 'tool_result', at: t, callId: 'c6', isError: false },
      // A second copy of a result changes nothing.
      { kind: 'tool_result', at: t, callId: 'c1', isError: true, outcome: 'failed', reason: 'exit 2', exitCode: 2 },
    ]);
    assert.deepEqual(entries[1], {
      type: 'tool_summary',
      actions: [
        'ran ls missing-dir (failed: exit 2)',
        'edited README.md (failed: old_string not found)',
        'edited /home/u/outside.txt (refused: not permitted)',
        'used WebFetch (refused: not permitted)',
        'ran sh slow.sh (interrupted)',
        'edited README.md',
      ],
    });
  });

  it('a write that failed stays "edited": its result says nothing of a new file', () => {
    const { entries } = fold([
      { kind: 'tool_call', at: t, callId: 'w', tool: 'Write', action: 'edited a.ts', files: [] },
      { kind: 'tool_result', at: t, callId: 'w', isError: true, outcome: 'refused', reason: 'file not read first' },
    ]);
    assert.deepEqual(entries, [{ type: 'tool_summary', actions: ['edited a.ts (refused: file not read first)'] }]);
  });

  it('a call whose result has not come by the next prompt is marked for good; a later result changes nothing', () => {
    const r = new DevlogReducer(initialDevlogState());
    for (const e of [
      { kind: 'prompt', at: t, text: 'run it', id: 'u1' },
      { kind: 'tool_call', at: t, callId: 'c1', tool: 'Bash', action: 'ran sh slow.sh', files: [] },
      { kind: 'tool_call', at: t, callId: 'c2', tool: 'Bash', action: 'ran ls', files: [] },
      { kind: 'tool_result', at: t, callId: 'c2', isError: false },
      { kind: 'prompt', at: t, text: 'next', id: 'u2' },
      { kind: 'tool_result', at: t, callId: 'c1', isError: false },
    ] satisfies AgentEvent[])
      r.apply(e);
    assert.deepEqual(r.takeFinalized(), [
      { type: 'user', timestamp: t, content: 'run it' },
      { type: 'tool_summary', actions: ['ran sh slow.sh (no result)', 'ran ls'] },
      { type: 'user', timestamp: t, content: 'next' },
    ]);
    assert.deepEqual(r.openEntries(), []);
  });

  it('an open call without a result reads "(no result)" but stays open to its result, across stored states', () => {
    const events: AgentEvent[] = [
      { kind: 'prompt', at: t, text: 'run it', id: 'u1' },
      { kind: 'tool_call', at: t, callId: 'c1', tool: 'Bash', action: 'ran npm test', files: [] },
    ];
    const first = fold(events);
    assert.deepEqual(first.entries[1], { type: 'tool_summary', actions: ['ran npm test (no result)'] });
    // The mark is not stored: the result read by a later run settles the call.
    const later = new DevlogReducer(DevlogState.parse(JSON.parse(JSON.stringify(first.state))));
    later.apply({
      kind: 'tool_result',
      at: t,
      callId: 'c1',
      isError: true,
      outcome: 'failed',
      reason: 'exit 1',
      exitCode: 1,
    });
    assert.deepEqual(later.openEntries(), [{ type: 'tool_summary', actions: ['ran npm test (failed: exit 1)'] }]);
    // Any split of the events gives the same entries as one pass.
    const all: AgentEvent[] = [
      ...events,
      { kind: 'tool_result', at: t, callId: 'c1', isError: true, outcome: 'failed', reason: 'exit 1', exitCode: 1 },
      { kind: 'prompt', at: t, text: 'next', id: 'u2' },
    ];
    const whole = fold(all).entries;
    for (let cut = 0; cut <= all.length; cut++) {
      const a = new DevlogReducer(initialDevlogState());
      for (const e of all.slice(0, cut)) a.apply(e);
      const b = new DevlogReducer(DevlogState.parse(JSON.parse(JSON.stringify(a.snapshot()))));
      for (const e of all.slice(cut)) b.apply(e);
      assert.deepEqual([...a.takeFinalized(), ...b.takeFinalized(), ...b.openEntries()], whole, `cut at ${cut}`);
    }
  });

  it('entries finalized because the open list overflowed are marked too', () => {
    const events: AgentEvent[] = [
      { kind: 'tool_call', at: t, callId: 'c0', tool: 'Bash', action: 'ran first', files: [] },
    ];
    for (let i = 0; i < 201; i++)
      events.push({ kind: 'reply', at: t, text: `r${i}`, messageId: `m${i}`, partId: `p${i}` });
    const r = new DevlogReducer(initialDevlogState());
    for (const e of events) r.apply(e);
    assert.deepEqual(r.takeFinalized()[0], { type: 'tool_summary', actions: ['ran first (no result)'] });
  });

  it('reads a state stored before results were recorded without taking its calls for unanswered', () => {
    // Those states kept every call of an open entry under `calls`, answered or not.
    const old = {
      open: [{ entry: { type: 'tool_summary', actions: ['ran ls', 'ran npm test'] }, calls: { c1: 0, c2: 1 } }],
      lastAt: t,
      seen: [],
    };
    const r = new DevlogReducer(DevlogState.parse(old));
    assert.deepEqual(r.openEntries(), [{ type: 'tool_summary', actions: ['ran ls', 'ran npm test'] }]);
  });
});

describe('devlog actions of sessions recorded from the real clients', () => {
  /** The tool_summary actions of a recorded transcript, read whole. */
  function actionsOf<S>(adapter: Adapter<S>, file: string): string[] {
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const { entries } = fold(runAdapter(adapter, lines).events);
    return entries.flatMap((e) => (e.type === 'tool_summary' ? e.actions : []));
  }

  it('Claude Code 2.1.330: failed, refused, killed and interrupted calls say so', () => {
    assert.deepEqual(
      actionsOf(claudeCodeAdapter, claudeFixture('failures', 0)).map((a) => a.replace(/\/tmp\/\S+\/home\//, '~/')),
      [
        'ran ls missing-dir (failed: exit 2)',
        'read README.md',
        'edited README.md (failed: old_string not found)',
        'read missing.txt (failed: file does not exist)',
        'edited ~/outside.txt (refused: not permitted)',
        'used WebFetch (refused: not permitted)',
      ],
    );
    assert.deepEqual(
      actionsOf(claudeCodeAdapter, claudeFixture('failures', 1)),
      ['ran sh slow.sh (interrupted)'],
      'SIGTERM: exit 137',
    );
    assert.deepEqual(
      actionsOf(claudeCodeAdapter, claudeFixture('failures', 2)),
      ['ran sh slow.sh (no result)'],
      'SIGKILL: no result ever came',
    );
    assert.deepEqual(
      actionsOf(claudeCodeAdapter, claudeFixture('interactive', 0)),
      ['ran sh slow.sh (interrupted)', 'created notes.txt'],
      'Escape',
    );
  });

  it('Claude Code 2.1.330: a retry after a failure or a refusal keeps its own plain action', () => {
    assert.deepEqual(actionsOf(claudeCodeAdapter, claudeFixture('edit-retry', 0)), [
      'read src/app.js',
      'edited src/app.js (failed: old_string not found)',
      'read src/app.js',
      'edited src/app.js',
      'ran sh test.sh',
      'edited config.json (refused: file not read first)',
      'read config.json',
      'edited config.json',
      'deleted obsolete.txt (refused: not permitted)',
      'moved ghost.js to spirit.js (failed: exit 128)',
    ]);
  });

  it('Codex 0.169.0: an interrupted command and a patch that failed verification say so', () => {
    assert.deepEqual(actionsOf(codexAdapter, join(CODEX_FIXTURES, 'interrupted.jsonl')), [
      'ran sh slow.sh (interrupted)',
    ]);
    assert.deepEqual(actionsOf(codexAdapter, join(CODEX_FIXTURES, 'patch-retry.jsonl')), [
      'edited app.txt (failed: expected lines not found)',
      'ran cat app.txt',
      'edited app.txt',
      'moved app.txt to src/app.txt',
    ]);
  });
});
