import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { replaceFileAtomically } from '../../src/kit/atomic-write.js';
import { cleanup, tempDir } from '../helpers.js';

const root = tempDir('shiplog-atomic-');
after(() => cleanup(root));

function box(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
}

it('replaces the file whole, with the mode asked for, and leaves nothing beside it', () => {
  const dir = box('replace');
  const file = join(dir, 'config.toml');
  writeFileSync(file, 'old\n', { mode: 0o600 });
  // A umask that takes the group and other bits: a config file the user made 0644 must stay 0644.
  const umask = process.umask(0o077);
  try {
    replaceFileAtomically(file, 'new\n', { mode: 0o644 });
  } finally {
    process.umask(umask);
  }
  assert.equal(readFileSync(file, 'utf8'), 'new\n');
  assert.equal(statSync(file).mode & 0o777, 0o644, 'the mode is set whatever the umask took from it');
  assert.deepEqual(readdirSync(dir), ['config.toml']);
  replaceFileAtomically(join(dir, 'fresh.json'), Buffer.from('{}'), { mode: 0o600 });
  assert.equal(readFileSync(join(dir, 'fresh.json'), 'utf8'), '{}');
  assert.equal(statSync(join(dir, 'fresh.json')).mode & 0o777, 0o600);
});

it('runs beforeRename while the old file is still in place, and a throw from it changes nothing', () => {
  const dir = box('refused');
  const file = join(dir, 'settings.json');
  writeFileSync(file, 'old');
  let seen: string | undefined;
  assert.throws(
    () =>
      replaceFileAtomically(file, 'new', {
        mode: 0o600,
        beforeRename: () => {
          seen = readFileSync(file, 'utf8');
          throw new Error('changed meanwhile');
        },
      }),
    /changed meanwhile/,
  );
  assert.equal(seen, 'old');
  assert.equal(readFileSync(file, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir), ['settings.json'], 'the temporary file is removed');
});

it('replaces a link at the name instead of writing through it', () => {
  const dir = box('link');
  const elsewhere = join(dir, 'elsewhere');
  writeFileSync(elsewhere, 'theirs');
  const file = join(dir, 'auth.json');
  symlinkSync(elsewhere, file);
  replaceFileAtomically(file, 'ours', { mode: 0o600 });
  assert.equal(readFileSync(elsewhere, 'utf8'), 'theirs');
  assert.equal(readFileSync(file, 'utf8'), 'ours');
  assert.ok(lstatSync(file).isFile());
});

it('fails, writing nothing, when the folder is gone', () => {
  const file = join(root, 'missing', 'x.json');
  assert.throws(() => replaceFileAtomically(file, 'x', { mode: 0o600 }), { code: 'ENOENT' });
});
