import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SeenRing } from '../src/seen-ring.js';
import { prng } from './helpers.js';

/** The plain model: a first-in, first-out list of at most `cap` distinct ids. */
class Model {
  readonly ids: string[];
  constructor(
    saved: readonly string[],
    private readonly cap: number,
  ) {
    this.ids = [...new Set(saved.slice(-cap))];
  }
  check(id: string): boolean {
    if (this.ids.includes(id)) return true;
    this.ids.push(id);
    if (this.ids.length > this.cap) this.ids.shift();
    return false;
  }
}

it('answers and stores as a first-in, first-out list of the last ids, across saves', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const rand = prng(seed);
    const cap = 1 + Math.floor(rand() * 20);
    let saved: string[] = Array.from({ length: Math.floor(rand() * 30) }, () => `id${Math.floor(rand() * 25)}`);
    let ring = new SeenRing(saved, cap);
    let model = new Model(saved, cap);
    for (let step = 0; step < 2000; step++) {
      if (rand() < 0.02) {
        // A run ends: the state is stored, and the next run starts from it.
        saved = ring.toJSON();
        assert.deepEqual(saved, model.ids, `seed ${seed}, step ${step}`);
        ring = new SeenRing(saved, cap);
        model = new Model(saved, cap);
      }
      const id = `id${Math.floor(rand() * 40)}`;
      assert.equal(ring.check(id), model.check(id), `seed ${seed}, step ${step}, ${id}`);
    }
    assert.deepEqual(ring.toJSON(), model.ids);
  }
});
