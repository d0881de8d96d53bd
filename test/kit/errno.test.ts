import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { isErrno } from '../../src/kit/errno.js';

it('tells an error with a string code from anything else', () => {
  let missing: unknown;
  try {
    readFileSync('/nonexistent/shiplog-errno-test');
  } catch (err) {
    missing = err;
  }
  assert.ok(isErrno(missing) && missing.code === 'ENOENT');
  assert.equal(isErrno(new Error('no code')), false);
  assert.equal(isErrno(Object.assign(new Error('numeric'), { code: 2 })), false);
  assert.equal(
    isErrno({ code: 'ENOENT', message: 'not an Error' }),
    false,
    'a thrown plain object is not taken for one',
  );
  assert.equal(isErrno(undefined), false);
});
