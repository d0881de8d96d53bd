import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { Fragment } from '../../src/devlog/fragment.js';
import { cleanup, tempDir } from '../helpers.js';

const root = tempDir();
after(() => cleanup(root));

it('keeps only committed bytes: a dead run’s tail is cut, a lost file is reported', () => {
  const path = join(root, 'devlog', 's.frag');
  const f = Fragment.open(path, 0);
  assert.ok(f);
  f.append(['{"a":1}', '{"b":2}']);
  const committed = f.bytes;
  f.append(['{"never":"committed"}']);
  f.close();

  const again = Fragment.open(path, committed);
  assert.ok(again);
  assert.equal(statSync(path).size, committed);
  const chunks: Buffer[] = [];
  again.copyTo((c) => chunks.push(Buffer.from(c)));
  assert.equal(Buffer.concat(chunks).toString(), '\n{"a":1},\n{"b":2}');
  again.close();

  writeFileSync(path, readFileSync(path).subarray(0, 3));
  assert.equal(Fragment.open(path, committed), null);
});
