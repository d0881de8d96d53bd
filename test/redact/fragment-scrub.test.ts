import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { Fragment } from '../../src/devlog/fragment.js';
import { cleanup, tempDir } from '../helpers.js';

const root = tempDir();
after(() => cleanup(root));

/**
 * Finalized devlog entries lose a secret learnt after they were written: the fragment is
 * rewritten in place. If the run dies before committing the new length, the fragment no longer
 * ends an entry at the committed length, and opening it asks for a rebuild instead of cutting
 * an entry in half.
 */
it('rewrites committed entries; a rewrite not committed is refused, not cut mid-entry', () => {
  const path = join(root, 's.frag');
  const f = Fragment.open(path, 0);
  assert.ok(f);
  f.append(['{"cmd":"echo s3cr3t-v4lue"}', '{"b":2}']);
  const committed = f.bytes;
  f.rewrite((text) => text.replaceAll('s3cr3t-v4lue', '[REDACTED:aws-secret-key]'));
  assert.equal(readFileSync(path, 'utf8'), ',\n{"cmd":"echo [REDACTED:aws-secret-key]"},\n{"b":2}');
  assert.ok(f.bytes > committed);
  f.close();
  // The database still says `committed`: the bytes there are mid-entry now.
  assert.equal(Fragment.open(path, committed), null);
  // Committed with the new length, it opens as it is.
  const size = Buffer.byteLength(readFileSync(path, 'utf8'));
  const again = Fragment.open(path, size);
  assert.ok(again);
  again.close();
});
