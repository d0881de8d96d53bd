import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isPlainObject, isRecord } from '../../src/kit/plain-object.js';

class Point {
  x = 1;
}

it('agree on what JSON.parse gives', () => {
  for (const text of ['{}', '{"a":{"b":[1]}}', '[]', '[{}]', 'null', '"s"', '1', 'true']) {
    const value: unknown = JSON.parse(text);
    assert.equal(isRecord(value), isPlainObject(value), text);
    assert.equal(isRecord(value), text.startsWith('{'), text);
  }
});

it('part on class instances: a record may be one, a plain object may not', () => {
  for (const value of [new Date(0), new Map(), new Point(), /re/]) {
    assert.equal(isRecord(value), true);
    assert.equal(isPlainObject(value), false);
  }
  const bare: unknown = Object.create(null);
  assert.equal(isPlainObject(bare), true, 'an object without a prototype is still plain');
  assert.equal(isRecord(bare), true);
});
