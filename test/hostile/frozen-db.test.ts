import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { openDb } from '../../src/state/db.js';
import {
  CLI,
  cleanup,
  gitRepo,
  HOOK,
  hookEnv,
  readOutputs,
  ROOT,
  runProcess,
  sessionEndPayload,
  tempDir,
  waitForWorkers,
} from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * Issue 13, finding 7: a process frozen (SIGSTOP: a suspended laptop, a paused container) while
 * it holds SQLite's write lock. Workers used to hit the busy timeout and crash with their jobs
 * spooled and nobody to take them. Now a worker waits and retries; when the holder goes away the
 * job runs, and a worker that gives up first leaves its job for `shiplog flush`.
 */
describe('a frozen holder of the state database’s write lock', () => {
  const root = tempDir();
  const holders: ChildProcess[] = [];
  after(() => {
    for (const h of holders) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
    cleanup(root);
  });
  const repo = gitRepo(join(root, 'repo'), true);

  /** A node child that takes the write lock, says so, and is then frozen. */
  async function frozenHolder(home: string): Promise<ChildProcess> {
    openDb(home).close();
    const script = `const D = require('better-sqlite3'); const db = new D(process.argv[1]); db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n'); setInterval(() => {}, 1 << 30);`;
    const child = spawn(process.execPath, ['-e', script, join(home, 'state.db')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    holders.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      child.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
    });
    child.kill('SIGSTOP');
    return child;
  }
  async function logShows(home: string, pattern: RegExp): Promise<void> {
    // A bound for a failure only: the worker writes this line when it meets the frozen lock.
    for (let i = 0; i < 1200; i++) {
      if (existsSync(join(home, 'shiplog.log')) && pattern.test(readFileSync(join(home, 'shiplog.log'), 'utf8')))
        return;
      await sleep(50);
    }
    throw new Error(`the log never showed ${pattern}`);
  }
  async function gone(file: string): Promise<void> {
    // The worker removes its alive file as it exits.
    for (let i = 0; i < 1200 && existsSync(file); i++) await sleep(50);
    assert.equal(existsSync(file), false, `${file} is still there`);
  }
  async function killed(child: ChildProcess): Promise<void> {
    const gone = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }
  const entriesOf = (session: string) =>
    readOutputs(repo, session)
      .entries.split('\n')
      .filter((l) => l.includes(`"session_id":"${session}"`));
  const jobsLeft = (home: string, session: string) =>
    existsSync(join(home, 'spool', session))
      ? readdirSync(join(home, 'spool', session)).filter((n) => n.endsWith('.json'))
      : [];

  it('is waited out: once it is gone the job runs, and no worker crashes', async () => {
    const home = join(root, 'home-thaw');
    const holder = await frozenHolder(home);
    const transcript = writeClaudeTranscript(join(root, 'thaw.jsonl'), 'thaw', repo, [simpleTurn(1)]);
    const env = hookEnv(home, { SHIPLOG_DB_BUSY_MS: '2000' });
    const r = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env,
      input: sessionEndPayload('thaw', transcript, repo),
    });
    assert.equal(r.code, 0, r.stderr);
    await logShows(home, /state database busy; retrying/);
    await killed(holder);
    await waitForWorkers(home, 'thaw');
    assert.deepEqual(jobsLeft(home, 'thaw'), []);
    assert.equal(entriesOf('thaw').length, 1);
    assert.doesNotMatch(readFileSync(join(home, 'shiplog.log'), 'utf8'), /worker crashed|jobs dropped/);
  });

  it('a worker that gives up leaves its job spooled, and shiplog flush takes it after the thaw', async () => {
    const home = join(root, 'home-flush');
    const holder = await frozenHolder(home);
    const transcript = writeClaudeTranscript(join(root, 'later.jsonl'), 'later', repo, [simpleTurn(2)]);
    const env = hookEnv(home, { SHIPLOG_DB_BUSY_MS: '100' });
    const r = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env,
      input: sessionEndPayload('later', transcript, repo),
    });
    assert.equal(r.code, 0, r.stderr);
    await logShows(home, /jobs left in the spool for the next worker or shiplog flush/);
    await gone(join(home, 'spool', 'later', 'worker.alive'));
    assert.equal(jobsLeft(home, 'later').length, 1, 'the job is still there');
    assert.doesNotMatch(readFileSync(join(home, 'shiplog.log'), 'utf8'), /worker crashed/);

    await killed(holder);
    const flush = await runProcess(process.execPath, [CLI, 'flush'], { env, cwd: repo });
    assert.equal(flush.code, 0, flush.stderr + flush.stdout);
    assert.deepEqual(jobsLeft(home, 'later'), []);
    assert.equal(entriesOf('later').length, 1);
  });
});
