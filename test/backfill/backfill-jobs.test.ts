import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fakeBin } from '../evaluator/fake-env.js';
import { CLAUDE_FIXTURES, CLI, cleanup, CODEX_FIXTURES, runProcess, tempDir, type ProcResult } from '../helpers.js';
import {
  backfill,
  buildFixture,
  entries,
  envFor,
  located,
  outputs,
  progressLines,
  query,
  removeOutputs,
  runLines,
  type Fixture,
} from './backfill-world.js';

/**
 * `shiplog backfill --jobs N` runs sessions in N processes of their own. What it writes must not
 * depend on N, on another backfill running at the same time, or on a kill at any point: the
 * session lock and the run bookkeeping keep every entry written exactly once.
 */

const SOURCES = { claude: CLAUDE_FIXTURES, codex: CODEX_FIXTURES };

/** The files written, with the lines of each .jsonl sorted: sessions of one repository append to one file in the order they finish. */
function written(fx: Fixture): Map<string, string> {
  return new Map(
    [...outputs(fx)].map(([path, text]) => [
      path,
      path.endsWith('.jsonl') ? text.split('\n').filter(Boolean).sort().join('\n') : text,
    ]),
  );
}

/** `[3/20] <id> <agent>: …` without its place, which follows the order sessions finish in. */
const unnumbered = (out: string) =>
  progressLines(out)
    .map((l) => l.replace(/^\[\d+\/\d+\] /, ''))
    .sort();
const summaryOf = (out: string) => /^backfill: .+; read .+ in /m.exec(out)?.[0];
const pids = (home: string) => query<{ pid: number }>(home, 'SELECT DISTINCT pid FROM runs').map((r) => r.pid);

/** The pids whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        // Ended between the listing and the read: not a child any more.
        return false;
      }
    })
    .map(Number);
}

const running = (pid: number) =>
  existsSync(`/proc/${pid}/stat`) && !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/** A backfill started in a process group of its own, so it can be killed together with its session processes. */
function startBackfill(fx: Fixture, home: string, args: string[]) {
  const child = spawn(process.execPath, [CLI, 'backfill', ...args], {
    env: envFor(fx, home),
    cwd: fx.root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  const ended = new Promise<ProcResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err })),
  );
  const waiters: { n: number; resolve: () => void }[] = [];
  const heard: { re: RegExp; resolve: () => void }[] = [];
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const h of heard.filter((x) => x.re.test(err))) h.resolve();
  });
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.filter((x) => runLines(out).length >= x.n)) w.resolve();
  });
  /** Resolves once `n` sessions have been run (or the backfill has ended). */
  const ran = (n: number) =>
    new Promise<void>((resolve) => {
      waiters.push({ n, resolve });
      if (runLines(out).length >= n) resolve();
      void ended.then(() => resolve());
    });
  /** Resolves once stderr says `re` (or the backfill has ended). */
  const said = (re: RegExp) =>
    new Promise<void>((resolve) => {
      heard.push({ re, resolve });
      if (re.test(err)) resolve();
      void ended.then(() => resolve());
    });
  return { child, ended, ran, said };
}

describe('backfill --jobs: sessions run in processes of their own', () => {
  let fx: Fixture;
  let L: number;
  /** What one backfill with --jobs 1 writes: the reference for every other run. */
  let serial: Map<string, string>;
  let serialEntries: Map<string, string>;
  before(() => {
    fx = buildFixture(tempDir(), SOURCES);
    L = located(fx.sessions).length;
    assert.ok(L >= 4, 'sessions enough to share out');
  });
  after(() => cleanup(fx.root));

  it('--jobs 2 writes the same devlogs and entries as --jobs 1, and reports the same sessions, totals and --json summary', async () => {
    const home1 = join(fx.root, 'state-jobs-1');
    const one = await backfill(fx, home1, ['--jobs', '1', '--json']);
    assert.equal(one.code, 0, one.stderr);
    serial = written(fx);
    serialEntries = entries(fx);
    assert.ok(serialEntries.size > 0);
    assert.deepEqual(pids(home1).length, 1, 'one process ran every session');

    removeOutputs(fx.work);
    const home2 = join(fx.root, 'state-jobs-2');
    const two = await backfill(fx, home2, ['--jobs', '2', '--json']);
    assert.equal(two.code, 0, two.stderr);
    assert.deepEqual(written(fx), serial);
    assert.deepEqual(entries(fx), serialEntries);
    const ran = pids(home2);
    assert.equal(ran.length, 2, 'two processes ran the sessions');
    assert.ok(!ran.includes(pids(home1)[0] ?? -1));

    // The lines go to stderr with --json: the same ones, in the order sessions finished.
    assert.deepEqual(unnumbered(two.stderr), unnumbered(one.stderr));
    assert.equal(progressLines(two.stderr).length, fx.sessions.length);
    const summary = (r: ProcResult) => {
      const { elapsed_ms: _elapsed, ...rest } = JSON.parse(r.stdout) as { elapsed_ms: number };
      return rest;
    };
    assert.deepEqual(summary(two), summary(one), 'sessions listed in the same order, with the same counts');
    assert.equal(query(home2, "SELECT id FROM runs WHERE status != 'ok'").length, 0);
    assert.equal(query(home2, 'SELECT session_id FROM locks').length, 0, 'every session lock released');
  });

  it('two backfills at the same time write each entry once', async () => {
    removeOutputs(fx.work);
    const home = join(fx.root, 'state-twice');
    const [a, b] = await Promise.all([backfill(fx, home, ['--jobs', '2']), backfill(fx, home, ['--jobs', '2'])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(written(fx), serial);
    // entries() fails on a run_id written twice.
    assert.deepEqual(entries(fx), serialEntries);
    const said = (r: ProcResult) => Number(/; (\d+) entr(?:y|ies) written/.exec(summaryOf(r.stdout) ?? '')?.[1]);
    assert.equal(said(a) + said(b), serialEntries.size, `${summaryOf(a.stdout)}\n${summaryOf(b.stdout)}`);
    assert.equal(query(home, "SELECT run_id FROM windows WHERE status != 'written'").length, 0);
    assert.equal(query(home, 'SELECT run_id FROM windows').length, serialEntries.size);
  });

  it('killed with its processes (SIGKILL) mid-way, twice, then rerun: exactly the entries of an uninterrupted run', async () => {
    removeOutputs(fx.work);
    const home = join(fx.root, 'state-killed');
    let done = 0;
    for (const more of [1, 2]) {
      const run = startBackfill(fx, home, ['--jobs', '2']);
      await run.ran(more);
      if (run.child.pid !== undefined) process.kill(-run.child.pid, 'SIGKILL');
      const r = await run.ended;
      assert.equal(r.signal, 'SIGKILL', `killed before it finished: ${r.stdout}`);
      done += runLines(r.stdout).filter((l) => !l.endsWith(': up to date')).length;
    }
    assert.ok(done < L, 'sessions were left for the rerun');

    const r = await backfill(fx, home, ['--jobs', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(progressLines(r.stdout).length, fx.sessions.length);
    assert.deepEqual(entries(fx), serialEntries);
    assert.deepEqual(written(fx), serial);
    const again = await backfill(fx, home, ['--jobs', '2', '--json']);
    const summary = JSON.parse(again.stdout) as { up_to_date: number; processed: number };
    assert.deepEqual([summary.up_to_date, summary.processed], [L, 0]);
  });

  it('a backfill killed alone (SIGKILL) leaves no process behind: each finishes its session and leaves; the rerun completes the entries', async () => {
    removeOutputs(fx.work);
    const home = join(fx.root, 'state-orphans');
    const run = startBackfill(fx, home, ['--jobs', '2']);
    await run.ran(1);
    const pid = run.child.pid;
    assert.ok(pid !== undefined);
    const orphans = childrenOf(pid);
    assert.equal(orphans.length, 2, 'two session processes');
    process.kill(pid, 'SIGKILL');
    assert.equal((await run.ended).signal, 'SIGKILL');
    // Waits for the processes to leave, which is what is tested; the test's own timeout bounds it.
    while (orphans.some(running)) await new Promise((r) => setTimeout(r, 50));
    assert.equal(
      query(home, "SELECT id FROM runs WHERE status = 'running'").length,
      0,
      'the sessions in hand were finished',
    );
    assert.equal(query(home, 'SELECT session_id FROM locks').length, 0);

    const r = await backfill(fx, home, ['--jobs', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(entries(fx), serialEntries);
    assert.deepEqual(written(fx), serial);
  });

  it('a session process killed mid-run costs that session only: it is reported failed, the others run, and the rerun completes the entries', async () => {
    removeOutputs(fx.work);
    const home = join(fx.root, 'state-one-killed');
    const run = startBackfill(fx, home, ['--jobs', '2']);
    await run.ran(1);
    const pid = run.child.pid;
    assert.ok(pid !== undefined);
    const [victim] = childrenOf(pid);
    assert.ok(victim !== undefined);
    process.kill(victim, 'SIGKILL');
    const r = await run.ended;
    assert.equal(r.code, 1, r.stderr);
    const failed = progressLines(r.stderr);
    assert.equal(failed.length, 1, r.stderr);
    assert.match(
      failed[0] ?? '',
      /: FAILED: the backfill process running it stopped \(SIGKILL\); the next backfill continues it$/,
    );
    const U = fx.sessions.length - L;
    assert.match(
      r.stdout,
      new RegExp(
        `^backfill: ${fx.sessions.length} sessions \\(${L - 1} processed, 0 up to date, ${U} skipped, 1 failed\\)`,
        'm',
      ),
    );

    const again = await backfill(fx, home, ['--jobs', '2']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(entries(fx), serialEntries);
    assert.deepEqual(written(fx), serial);
  });

  it('Ctrl-C (SIGINT to the whole process group, as a terminal sends it) lets the sessions in hand finish, exits 130, and the rerun completes the entries', async () => {
    removeOutputs(fx.work);
    const home = join(fx.root, 'state-ctrl-c');
    const run = startBackfill(fx, home, ['--jobs', '2']);
    await run.ran(1);
    if (run.child.pid !== undefined) process.kill(-run.child.pid, 'SIGINT');
    const r = await run.ended;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /stopping after the sessions in progress/);
    const done = runLines(r.stdout).length;
    assert.ok(done >= 1 && done < L, r.stdout);
    const U = fx.sessions.length - L;
    assert.match(
      r.stdout,
      new RegExp(
        `^backfill: ${fx.sessions.length} sessions \\(${done} processed, 0 up to date, ${U} skipped, ${L - done} not started\\)`,
        'm',
      ),
    );
    assert.equal(query(home, "SELECT id FROM runs WHERE status != 'ok'").length, 0, 'every run that started, finished');

    const again = await backfill(fx, home, ['--jobs', '2']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(progressLines(again.stdout).filter((l) => l.endsWith(': up to date')).length, done);
    assert.deepEqual(entries(fx), serialEntries);
  });

  it('a second Ctrl-C exits 130 at once and leaves no session process running; the rerun completes the entries', async () => {
    removeOutputs(fx.work);
    const home = join(fx.root, 'state-ctrl-c-twice');
    const run = startBackfill(fx, home, ['--jobs', '2']);
    await run.ran(1);
    const pid = run.child.pid;
    assert.ok(pid !== undefined);
    const processes = childrenOf(pid);
    assert.equal(processes.length, 2);
    process.kill(-pid, 'SIGINT');
    await run.said(/stopping after the sessions in progress/);
    process.kill(-pid, 'SIGINT');
    const r = await run.ended;
    assert.equal(r.code, 130, r.stderr);
    while (processes.some(running)) await new Promise((resolve) => setTimeout(resolve, 50));

    const again = await backfill(fx, home, ['--jobs', '2']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(entries(fx), serialEntries);
    assert.deepEqual(written(fx), serial);
  });

  it('--jobs is for the heuristic evaluator: with an LLM evaluator the sessions run in this process, and it says so', async () => {
    const home = join(fx.root, 'state-llm');
    const env = {
      ...envFor(fx, home),
      PATH: `${fakeBin(fx.root)}:${envFor(fx, home).PATH ?? ''}`,
      FAKE_LOG: join(fx.root, 'calls-llm.jsonl'),
      FAKE_MODE: 'ok',
      SHIPLOG_ACTOR: 'llm',
    };
    const r = await runProcess(
      process.execPath,
      [CLI, 'backfill', '--evaluator', 'claude', '--agent', 'codex', '--jobs', '2'],
      { env, cwd: fx.root },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /--jobs is for the heuristic evaluator; with claude, --max-concurrency sessions run at a time \(default 4\)/,
    );
    assert.equal(pids(home).length, 1);
  });

  it('rejects a --jobs that is not a whole number from 1 to 64', async () => {
    for (const bad of ['0', '65', '1.5', 'all']) {
      const r = await backfill(fx, join(fx.root, 'state-bad-jobs'), ['--jobs', bad]);
      assert.equal(r.code, 2, bad);
      assert.match(
        r.stderr,
        new RegExp(`--jobs must be a whole number from 1 to 64, not "${bad.replace('.', '\\.')}"`),
      );
    }
    assert.equal(existsSync(join(fx.root, 'state-bad-jobs')), false);
    const help = await backfill(fx, join(fx.root, 'state-bad-jobs'), ['--help']);
    assert.match(help.stdout, /^ {2}--jobs N {14}sessions run side by side, each in a process of its own/m);
  });
});
