import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Config } from '../../../src/config/config.js';
import { statePaths } from '../../../src/paths.js';
import { cleanup, CLI, gitRepo, listFiles, ROOT, runInProcess, runProcess, tempDir } from '../../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../../synthetic.js';

/**
 * The outbox's sinks in the real pipeline (real SQLite, real files, real locks): entries.jsonl,
 * failures.jsonl and the third sink, changelog.md, which is off unless `changelog.markdown` is
 * on. Each sink has its own delivery state, so one that is refused neither holds back nor
 * doubles the others, and it is tried again until it has the window.
 */
describe('sinks', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const BASHRC = 'export PATH=$HOME/bin:$PATH\n';
  const MARKDOWN = Config.parse({ changelog: { actor: 'me', markdown: true } });

  function world(name: string) {
    const dir = join(root, name);
    const repo = gitRepo(join(dir, 'repo'));
    const home = join(dir, 'state');
    const actor = join(repo, '.changelog', 'me');
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, '.bashrc'), BASHRC);
    const transcript = writeClaudeTranscript(join(dir, 't.jsonl'), name, repo, [simpleTurn(1)]);
    const runWith = (config: Config, close: string | null = 'session-end') =>
      runInProcess(
        home,
        { sessionId: name, agent: 'claude-code', transcriptPath: transcript, repo, trigger: 'test', close },
        config,
      );
    const read = (file: string) => (existsSync(join(actor, file)) ? readFileSync(join(actor, file), 'utf8') : '');
    const lines = (file: string) => read(file).split('\n').filter(Boolean);
    const sections = () =>
      read('changelog.md')
        .split('\n')
        .filter((l) => l.startsWith('<!-- shiplog:entry '));
    return {
      dir,
      repo,
      home,
      actor,
      outside,
      transcript,
      runWith,
      read,
      lines,
      sections,
      addTurn: (n: number) =>
        writeClaudeTranscript(transcript, name, repo, [simpleTurn(n)], { append: true, firstSeq: n }),
    };
  }

  function query<T>(home: string, sql: string): T[] {
    const db = new Database(join(home, 'state.db'), { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  }
  type Delivery = { sink: string; status: string; attempts: number };
  const deliveries = (home: string) =>
    query<Delivery>(home, 'SELECT sink, status, attempts FROM deliveries ORDER BY sink');
  const windows = (home: string) =>
    query<{ status: string; stage: string | null }>(home, 'SELECT status, stage FROM windows');

  it('changelog.md is off by default; turned on, it gets each window once beside entries.jsonl', async () => {
    const off = world('off');
    const plain = await off.runWith(Config.parse({ changelog: { actor: 'me' } }));
    assert.equal(plain.windows.written.length, 1);
    assert.equal(off.lines('entries.jsonl').length, 1);
    assert.equal(existsSync(join(off.actor, 'changelog.md')), false, 'no Markdown unless asked for');
    assert.deepEqual(
      deliveries(off.home).map((d) => d.sink),
      ['entries.jsonl'],
    );

    const on = world('on');
    const out = await on.runWith(MARKDOWN);
    assert.equal(out.windows.written.length, 1);
    const [entry] = on.lines('entries.jsonl').map((l) => JSON.parse(l) as { run_id: string; label: string });
    assert.ok(entry);
    assert.deepEqual(on.sections(), [`<!-- shiplog:entry ${encodeURIComponent(entry.run_id)} -->`]);
    assert.ok(on.read('changelog.md').startsWith('# Changelog: me\n'));
    assert.deepEqual(deliveries(on.home), [
      { sink: 'changelog.md', status: 'delivered', attempts: 1 },
      { sink: 'entries.jsonl', status: 'delivered', attempts: 1 },
    ]);
    assert.deepEqual(windows(on.home), [{ status: 'written', stage: null }]);
  });

  it('changelog.md refused (a symlink out of the repo): entries.jsonl goes ahead, once; md is retried', async () => {
    const w = world('md-link');
    mkdirSync(w.actor, { recursive: true });
    symlinkSync(join(w.outside, '.bashrc'), join(w.actor, 'changelog.md'));

    const first = await w.runWith(MARKDOWN);
    assert.equal(first.windows.failed.length, 1);
    assert.equal(first.windows.failed[0]?.error_code, 'ESYMLINK');
    assert.match(first.windows.failed[0]?.message ?? '', /changelog\.md is a symlink/);
    assert.equal(first.windows.written.length, 0, 'not every sink has it yet');
    assert.equal(w.lines('entries.jsonl').length, 1, 'entries.jsonl is written all the same');
    const entries = w.read('entries.jsonl');
    assert.deepEqual(deliveries(w.home), [
      { sink: 'changelog.md', status: 'failed', attempts: 1 },
      { sink: 'entries.jsonl', status: 'delivered', attempts: 1 },
      { sink: 'failures.jsonl', status: 'delivered', attempts: 1 },
    ]);
    assert.deepEqual(windows(w.home), [{ status: 'failed', stage: 'append' }]);

    // Still refused: only changelog.md is tried again. entries.jsonl has the window and is not
    // asked again: a folder in its place now would fail it (EISDIR) if it were.
    rmSync(join(w.actor, 'entries.jsonl'));
    mkdirSync(join(w.actor, 'entries.jsonl'));
    const second = await w.runWith(MARKDOWN, null);
    assert.deepEqual(
      second.windows.failed.map((f) => f.error_code),
      ['ESYMLINK'],
    );
    assert.deepEqual(deliveries(w.home), [
      { sink: 'changelog.md', status: 'failed', attempts: 2 },
      { sink: 'entries.jsonl', status: 'delivered', attempts: 1 },
      { sink: 'failures.jsonl', status: 'delivered', attempts: 1 },
    ]);
    assert.equal(readFileSync(join(w.outside, '.bashrc'), 'utf8'), BASHRC, 'the link target is untouched');
    assert.deepEqual(listFiles(w.outside), ['.bashrc'], 'no lock or temporary file beside it');

    rmdirSync(join(w.actor, 'entries.jsonl'));
    writeFileSync(join(w.actor, 'entries.jsonl'), entries);
    rmSync(join(w.actor, 'changelog.md'));
    const later = await w.runWith(MARKDOWN, null);
    assert.equal(later.windows.written.length, 1, 'written now that every sink has it');
    assert.equal(later.windows.failed.length, 0);
    assert.equal(w.sections().length, 1);
    assert.equal(w.read('entries.jsonl'), entries, 'entries.jsonl not doubled');
    assert.equal(w.lines('failures.jsonl').length, 1, 'one failure record however often it was retried');
    assert.deepEqual(deliveries(w.home), [
      { sink: 'changelog.md', status: 'delivered', attempts: 3 },
      { sink: 'entries.jsonl', status: 'delivered', attempts: 1 },
      { sink: 'failures.jsonl', status: 'delivered', attempts: 1 },
    ]);
    assert.deepEqual(windows(w.home), [{ status: 'written', stage: null }]);
  });

  it('a refused entries.jsonl does not hold back changelog.md; each gets the window once', async () => {
    const w = world('jsonl-dir');
    mkdirSync(join(w.actor, 'entries.jsonl'), { recursive: true });
    const first = await w.runWith(MARKDOWN);
    assert.equal(first.windows.failed[0]?.error_code, 'EISDIR');
    assert.equal(w.sections().length, 1, 'changelog.md has it');
    const page = w.read('changelog.md');
    rmdirSync(join(w.actor, 'entries.jsonl'));
    const later = await w.runWith(MARKDOWN, null);
    assert.equal(later.windows.written.length, 1);
    assert.equal(w.lines('entries.jsonl').length, 1);
    assert.equal(w.read('changelog.md'), page, 'changelog.md is not rewritten for a window it has');
    assert.equal(w.lines('failures.jsonl').length, 1);
  });

  it('a worker killed after the sinks wrote, before the outbox noted it: nothing is written twice', async () => {
    const w = world('unnoted');
    await w.runWith(MARKDOWN);
    const entries = w.read('entries.jsonl');
    const page = w.read('changelog.md');
    // What the state database holds when the writes landed and the delivery rows did not.
    const db = new Database(join(w.home, 'state.db'));
    try {
      db.exec(`DELETE FROM deliveries; UPDATE windows SET status = 'closing'`);
    } finally {
      db.close();
    }
    const again = await w.runWith(MARKDOWN, null);
    assert.equal(again.windows.written.length, 0, 'nothing new went out');
    assert.equal(w.read('entries.jsonl'), entries);
    assert.equal(w.read('changelog.md'), page);
    assert.deepEqual(windows(w.home), [{ status: 'written', stage: null }]);
  });

  it('changelog.md is replaced by a rename, never written in place; leftovers of dead writers go', async () => {
    const w = world('atomic');
    await w.runWith(MARKDOWN, 'clear');
    const before = w.read('changelog.md');
    // A reader that opened the page before the next delivery keeps reading the whole old page.
    const reader = openSync(join(w.actor, 'changelog.md'), 'r');
    // A writer killed between its create and its rename left its temporary copy.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(w.actor, `.changelog.md.${dead}.tmp`), 'half a page');
    try {
      w.addTurn(2);
      await w.runWith(MARKDOWN);
      assert.equal(readFileSync(reader, 'utf8'), before, 'the old file was not written into');
    } finally {
      closeSync(reader);
    }
    const after = w.read('changelog.md');
    assert.equal(w.sections().length, 2);
    assert.ok(
      after.endsWith(before.slice(before.indexOf('<!--'))),
      'the older section is kept as it was, below the new one',
    );
    assert.deepEqual(listFiles(w.actor), ['changelog.md', 'entries.jsonl'], 'no temporary file left');
  });

  it('changelog.md is written only under its lock: held too long elsewhere, it waits for a later run', async () => {
    const dir = join(root, 'held');
    const repo = gitRepo(join(dir, 'repo'));
    const state = join(dir, 'state');
    const env = { ...process.env, SHIPLOG_HOME: state, SHIPLOG_ACTOR: 'me', XDG_CONFIG_HOME: join(dir, 'xdg') };
    mkdirSync(join(dir, 'xdg', 'shiplog'), { recursive: true });
    writeFileSync(join(dir, 'xdg', 'shiplog', 'config.toml'), '[changelog]\nmarkdown = true\n');
    const actor = join(repo, '.changelog', 'me');
    mkdirSync(actor, { recursive: true });
    const page = join(actor, 'changelog.md');
    const t = writeClaudeTranscript(join(dir, 't.jsonl'), 'held', repo, [simpleTurn(1)]);
    const holder = spawn(
      process.execPath,
      [
        join(ROOT, 'test', 'hostile', 'append-child.mjs'),
        JSON.stringify({ file: page, runId: 'holder', lockDir: statePaths(state).appendLocks, mode: 'hold' }),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const gone = new Promise<void>((resolve) => holder.on('exit', () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', () => reject(new Error('the holder exited before taking the lock')));
      });
      const r = await runProcess(
        process.execPath,
        [CLI, 'process', t, '--repo', repo, '--session', 'held', '--agent', 'claude-code'],
        { env },
      );
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /FAILED\s+\S+\s+append: .*changelog\.md is locked/);
      assert.equal(existsSync(page), false, 'nothing written while another process holds the lock');
      assert.equal(readFileSync(join(actor, 'entries.jsonl'), 'utf8').split('\n').filter(Boolean).length, 1);
    } finally {
      holder.kill('SIGKILL');
    }
    await gone;
    const flush = await runProcess(process.execPath, [CLI, 'flush'], { env });
    assert.equal(flush.code, 0, flush.stdout + flush.stderr);
    assert.equal(
      readFileSync(page, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('<!-- shiplog:entry ')).length,
      1,
    );
    assert.equal(
      readFileSync(join(actor, 'entries.jsonl'), 'utf8').split('\n').filter(Boolean).length,
      1,
      'not doubled',
    );
  });

  it('processes writing one changelog.md at once lose and double no section (on by .shiplog.toml)', async () => {
    const dir = join(root, 'many');
    const repo = gitRepo(join(dir, 'repo'));
    writeFileSync(join(repo, '.shiplog.toml'), '[changelog]\nmarkdown = true\n');
    const env = {
      ...process.env,
      SHIPLOG_HOME: join(dir, 'state'),
      SHIPLOG_ACTOR: 'me',
      XDG_CONFIG_HOME: join(dir, 'xdg'),
    };
    const n = 4;
    const runs = await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const t = writeClaudeTranscript(join(dir, `t${i}.jsonl`), `many-${i}`, repo, [simpleTurn(i)]);
        return runProcess(
          process.execPath,
          [CLI, 'process', t, '--repo', repo, '--session', `many-${i}`, '--agent', 'claude-code'],
          { env },
        );
      }),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stdout + r.stderr);
    const actor = join(repo, '.changelog', 'me');
    const ids = readFileSync(join(actor, 'entries.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { run_id: string }).run_id);
    assert.equal(new Set(ids).size, n);
    const markers = readFileSync(join(actor, 'changelog.md'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('<!-- shiplog:entry '));
    assert.deepEqual([...markers].sort(), ids.map((id) => `<!-- shiplog:entry ${encodeURIComponent(id)} -->`).sort());
  });
});
