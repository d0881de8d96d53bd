import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { appendOnce } from '../../src/output/append.js';
import { acquireAppendLock } from '../../src/output/append-lock.js';
import { ensureOutputDir, OutputError } from '../../src/output/folders.js';
import { cleanup, listFiles, ROOT, runProcess, tempDir } from '../helpers.js';

const isCode = (code: string) => (e: unknown) => e instanceof OutputError && e.code === code;

describe('appendOnce', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const lockDir = join(root, 'locks');

  it('writes a run_id once, however often it is asked', async () => {
    const file = join(root, 'entries.jsonl');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => appendOnce(file, 'run-1', { run_id: 'run-1', n: 1 }, { lockDir })),
    );
    assert.equal(results.filter((r) => r.written).length, 1);
    await appendOnce(file, 'run-2', { run_id: 'run-2' }, { lockDir });
    assert.deepEqual(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).run_id),
      ['run-1', 'run-2'],
    );
  });

  it('moves a torn last line to <file>.torn before checking, so a torn copy never counts as written and nothing is destroyed', async () => {
    const file = join(root, 'torn.jsonl');
    writeFileSync(file, '{"run_id":"a"}\n');
    appendFileSync(file, '{"run_id":"b","summary":"cut off by a kil');
    const r = await appendOnce(file, 'b', { run_id: 'b', summary: 'whole' }, { lockDir });
    assert.equal(r.written, true);
    assert.equal(readFileSync(file, 'utf8'), '{"run_id":"a"}\n{"run_id":"b","summary":"whole"}\n');
    assert.equal(readFileSync(`${file}.torn`, 'utf8'), '{"run_id":"b","summary":"cut off by a kil\n');
  });

  it('keeps a valid last line that has no final newline (a hand edit) and appends after it', async () => {
    const file = join(root, 'edited.jsonl');
    writeFileSync(file, '{"run_id":"a"}\n{"run_id":"b","note":"edited by hand"}');
    assert.equal((await appendOnce(file, 'c', { run_id: 'c' }, { lockDir })).written, true);
    assert.equal(
      (await appendOnce(file, 'b', { run_id: 'b' }, { lockDir })).written,
      false,
      'the kept line still counts for the duplicate check',
    );
    assert.equal(
      readFileSync(file, 'utf8'),
      '{"run_id":"a"}\n{"run_id":"b","note":"edited by hand"}\n{"run_id":"c"}\n',
    );
    assert.equal(existsSync(`${file}.torn`), false);
  });

  it('refuses an output file that is a symlink, and a .torn file that is one; nothing is written through either', async () => {
    const outside = join(root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'target'), 'precious');
    const linked = join(root, 'linked.jsonl');
    symlinkSync(join(outside, 'target'), linked);
    await assert.rejects(appendOnce(linked, 'x', { run_id: 'x' }, { lockDir }), isCode('ESYMLINK'));

    const torn = join(root, 'torn-linked.jsonl');
    writeFileSync(torn, '{"run_id":"a"}\n{"run_id":"b","cut');
    symlinkSync(join(outside, 'target'), `${torn}.torn`);
    await assert.rejects(appendOnce(torn, 'x', { run_id: 'x' }, { lockDir }), isCode('ESYMLINK'));
    assert.equal(
      readFileSync(torn, 'utf8'),
      '{"run_id":"a"}\n{"run_id":"b","cut',
      'the torn line stays until it can be moved',
    );
    assert.equal(readFileSync(join(outside, 'target'), 'utf8'), 'precious');
    assert.deepEqual(listFiles(outside), ['target']);
  });

  it('refuses an output file owned by another user (running as root, it is chowned to nobody)', async () => {
    const file = join(root, 'theirs.jsonl');
    writeFileSync(file, '{"run_id":"a"}\n');
    chownSync(file, 65534, 65534);
    await assert.rejects(appendOnce(file, 'x', { run_id: 'x' }, { lockDir }), isCode('EOWNER'));
    assert.equal(readFileSync(file, 'utf8'), '{"run_id":"a"}\n');
  });

  it('a live holder keeps the lock however long it is stopped; a dead one releases it at once', async () => {
    const file = join(root, 'held.jsonl');
    const holder = spawn(
      process.execPath,
      [join(ROOT, 'test', 'hostile', 'append-child.mjs'), JSON.stringify({ file, runId: 'h', lockDir, mode: 'hold' })],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<void>((resolve) => holder.on('exit', () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', () => reject(new Error('the holder exited before taking the lock')));
      });
      holder.kill('SIGSTOP');
      await assert.rejects(appendOnce(file, 'x', { run_id: 'x' }, { lockDir, waitMs: 0 }), isCode('ELOCKED'));
      assert.equal(existsSync(file), false, 'nothing written while the lock is held');
    } finally {
      holder.kill('SIGKILL');
    }
    await exited;
    // No stale timeout to sit out: with no wait at all, the lock of the dead holder is free.
    assert.equal((await appendOnce(file, 'x', { run_id: 'x' }, { lockDir, waitMs: 0 })).written, true);
    assert.equal(readFileSync(file, 'utf8'), '{"run_id":"x"}\n');
    assert.ok(
      listFiles(lockDir).every((f) => f.endsWith('.lock')),
      `only lock databases, no journals: ${listFiles(lockDir).join(' ')}`,
    );
  });
});

it('a second append in the holding process does not loosen the lock for other processes', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const lockDir = join(root, 'locks');
  const file = join(root, 'entries.jsonl');
  const lock = await acquireAppendLock(file, { lockDir });
  try {
    // Opening and closing the lock file in this process would drop its fcntl lock (POSIX).
    await assert.rejects(appendOnce(file, 'mine', { run_id: 'mine' }, { lockDir, waitMs: 0 }), isCode('ELOCKED'));
    const other = await runProcess(process.execPath, [
      join(ROOT, 'test', 'hostile', 'append-child.mjs'),
      JSON.stringify({ file, runId: 'other', lockDir, mode: 'append', waitMs: 0 }),
    ]);
    assert.notEqual(other.code, 0, `another process must not get the lock: ${other.stdout}`);
    assert.match(other.stderr, /ELOCKED|locked by another/);
  } finally {
    lock.release();
  }
  assert.equal(existsSync(file), false);
});

it('a holder whose lock file is removed (the state folder wiped) knows it no longer holds the lock', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const lockDir = join(root, 'locks');
  const file = join(root, 'entries.jsonl');
  const lock = await acquireAppendLock(file, { lockDir });
  try {
    assert.equal(lock.stillHeld(), true);
    rmSync(lockDir, { recursive: true });
    assert.equal(lock.stillHeld(), false);
    // A new lock file, so another writer gets in: the reason the first must not write on.
    assert.equal((await appendOnce(file, 'b', { run_id: 'b' }, { lockDir, waitMs: 0 })).written, true);
    assert.equal(lock.stillHeld(), false);
  } finally {
    lock.release();
  }
});

describe('ensureOutputDir', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('creates the folders with a .gitignore, and refuses symlinks, files and folders of another user', () => {
    const repo = join(root, 'repo');
    mkdirSync(repo);
    const dir = ensureOutputDir(repo, '.changelog', ['me'], false);
    assert.equal(dir, join(repo, '.changelog', 'me'));
    assert.equal(readFileSync(join(repo, '.changelog', '.gitignore'), 'utf8'), '*\n');

    const linked = join(root, 'linked');
    mkdirSync(linked);
    symlinkSync(join(root, 'elsewhere'), join(linked, '.devlog'));
    assert.throws(() => ensureOutputDir(linked, '.devlog', ['sessions'], false), isCode('ESYMLINK'));

    const filed = join(root, 'filed');
    mkdirSync(filed);
    writeFileSync(join(filed, '.changelog'), 'not a folder');
    assert.throws(() => ensureOutputDir(filed, '.changelog', ['me'], false), isCode('ENOTDIR'));

    const theirs = join(root, 'theirs');
    mkdirSync(join(theirs, '.changelog', 'me'), { recursive: true });
    chownSync(join(theirs, '.changelog', 'me'), 65534, 65534);
    assert.throws(() => ensureOutputDir(theirs, '.changelog', ['me'], false), isCode('EOWNER'));
  });
});
