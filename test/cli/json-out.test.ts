import assert from 'node:assert/strict';
import { it } from 'node:test';
import { writeJson } from '../../src/cli/json-out.js';

const written = (value: unknown): { text: string; pieces: number } => {
  const parts: string[] = [];
  writeJson(value, (t) => parts.push(t));
  return { text: parts.join(''), pieces: parts.length };
};

it('writes exactly what JSON.stringify(value, null, 2) does', () => {
  const values: unknown[] = [
    null,
    0,
    -1.5e-7,
    'text with "quotes", \\ and a\nnewline',
    true,
    [],
    {},
    [[]],
    [{}],
    { a: [] },
    { a: {} },
    { a: undefined, b: () => 1, c: Symbol('s'), d: 1 },
    [undefined, () => 1, Symbol('s'), NaN, Infinity, -0],
    { nested: { deeper: [1, { x: 'y', z: [null, false] }] }, when: new Date(Date.UTC(2026, 0, 2)) },
    { 'key "quoted"': 1, ünïcødé: '✓ 😀', __proto__: 2 },
    { toJSON: () => ({ replaced: true }) },
    JSON.parse('{"__proto__": {"own": 1}, "list": [1, 2]}'),
  ];
  for (const v of values) assert.equal(written(v).text, JSON.stringify(v, null, 2), JSON.stringify(v));
});

it('hands a long value out in pieces rather than as one text', () => {
  const entries = Array.from({ length: 3000 }, (_, i) => ({
    run_id: `run-${i}`,
    label: 'x'.repeat(200),
    bullets: ['a', 'b'],
  }));
  const value = { sessionId: 's', windows: { written: entries, failed: [] } };
  const { text, pieces } = written(value);
  assert.equal(text, JSON.stringify(value, null, 2));
  assert.ok(pieces > 10, `${pieces} pieces`);
});

it('refuses a value with no JSON form, as JSON.stringify returns nothing for it', () => {
  assert.throws(() => writeJson(undefined, () => {}), TypeError);
  assert.equal(JSON.stringify(undefined), undefined);
});
