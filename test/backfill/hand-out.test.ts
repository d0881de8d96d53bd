import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandOut } from '../../src/backfill/hand-out.js';

describe('backfill --jobs hand-out order', () => {
  it('a repository stays with the process that started it, oldest first; a process with nothing of its own takes a new repository, then the oldest left', () => {
    //                          0    1    2    3    4    5    6
    const order = new HandOut(['a', 'b', 'a', 'c', 'a', 'b', 'a']);
    assert.equal(order.remaining, 7);
    assert.equal(order.next(0), 0, 'process 0 starts on a');
    assert.equal(order.next(1), 1, 'process 1 on b, the next repository nobody has');
    assert.equal(order.next(0), 2, 'a again, not c');
    assert.equal(order.next(1), 5, "b's other session");
    assert.equal(order.next(1), 3, 'b is done: c, which nobody has');
    assert.equal(order.next(0), 4);
    assert.equal(order.next(1), 6, "c is done and every repository has a process: the oldest left, a's");
    assert.equal(order.remaining, 0);
    assert.equal(order.next(0), null);
    assert.equal(order.next(1), null);
  });

  it('gives every session exactly once, however the processes interleave', () => {
    const groups = Array.from({ length: 200 }, (_, i) => `r${(i * 7) % 13}`);
    const order = new HandOut(groups);
    const seen: number[] = [];
    for (let turn = 0; order.remaining > 0; turn++) {
      const i = order.next((turn * 5) % 3);
      assert.ok(i !== null);
      seen.push(i);
    }
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      groups.map((_, i) => i),
    );
  });
});
