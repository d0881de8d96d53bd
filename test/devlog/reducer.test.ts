import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DevlogReducer, DevlogState, initialDevlogState } from '../../src/devlog/reducer.js';
import type { AgentEvent } from '../../src/events.js';

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
      { type: 'tool_summary', actions: ['created src/a.ts', 'ran npm test'] },
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
});
