import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { appendOnce } from '../../src/output/append.js';
import { ensureOutputDir, OutputError } from '../../src/output/folders.js';
import { cleanup, tempDir } from '../helpers.js';

describe('appendOnce', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('writes a run_id once, however often it is asked', async () => {
    const file = join(root, 'entries.jsonl');
    const results = await Promise.all(Array.from({ length: 10 }, () => appendOnce(file, 'run-1', { run_id: 'run-1', n: 1 })));
    assert.equal(results.filter((r) => r.written).length, 1);
    await appendOnce(file, 'run-2', { run_id: 'run-2' });
    assert.deepEqual(
      readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).run_id),
      ['run-1', 'run-2'],
    );
  });

  it('cuts a torn last line before checking, so a torn copy never counts as written', async () => {
    const file = join(root, 'torn.jsonl');
    writeFileSync(file, '{"run_id":"a"}\n');
    appendFileSync(file, '{"run_id":"b","summary":"cut off by a kil');
    const r = await appendOnce(file, 'b', { run_id: 'b', summary: 'whole' });
    assert.equal(r.written, true);
    assert.deepEqual(readFileSync(file, 'utf8'), '{"run_id":"a"}\n{"run_id":"b","summary":"whole"}\n');
  });
});

describe('ensureOutputDir', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('creates the folders with a .gitignore, and refuses symlinks and files', () => {
    const repo = join(root, 'repo');
    mkdirSync(repo);
    const dir = ensureOutputDir(repo, '.changelog', ['me'], false);
    assert.equal(dir, join(repo, '.changelog', 'me'));
    assert.equal(readFileSync(join(repo, '.changelog', '.gitignore'), 'utf8'), '*\n');

    const linked = join(root, 'linked');
    mkdirSync(linked);
    symlinkSync(join(root, 'elsewhere'), join(linked, '.devlog'));
    assert.throws(() => ensureOutputDir(linked, '.devlog', ['sessions'], false), (e: unknown) => e instanceof OutputError && e.code === 'ESYMLINK');

    const filed = join(root, 'filed');
    mkdirSync(filed);
    writeFileSync(join(filed, '.changelog'), 'not a folder');
    assert.throws(() => ensureOutputDir(filed, '.changelog', ['me'], false), (e: unknown) => e instanceof OutputError && e.code === 'ENOTDIR');
  });
});
