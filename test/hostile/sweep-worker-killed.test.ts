import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { openDb } from '../../src/state/db.js';
import { WORKER_ENTRY, workerCommand } from '../../src/worker/spawn-worker.js';
import { claudeFixture } from '../claude-fixtures.js';
import { unreportedSession, writtenAfterInstall } from './unreported-session.js';
import { cleanup, gitRepo, hookEnv, prng, readOutputs, sessionEndPayload, tempDir, WORKER } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

const root = tempDir();
after(() => cleanup(root));

const OWN = 'own-session';
/** At least this many kills, of which this many while the sweep held the swept session. */
const MIN_KILLS = 25;
const MIN_HOLDING = 5;
/** Bounds, so a sweep that never gets through a session fails the test instead of hanging it. */
const MAX_ROUNDS = 20;
const MAX_KILLS_PER_ROUND = 25;

/**
 * The worker of OWN as the router starts it (src/worker/spawn-worker.ts), from the build. With no
 * job spooled for OWN it goes straight to its way out, where it sweeps all the same.
 */
function startWorker(env: NodeJS.ProcessEnv) {
  const w = workerCommand([OWN], env);
  assert.ok(w.args.includes(WORKER_ENTRY));
  const child = spawn(
    w.command,
    w.args.map((a) => (a === WORKER_ENTRY ? WORKER : a)),
    { env: w.env, stdio: 'ignore' },
  );
  return { child, exited: once(child, 'exit') };
}
type Worker = ReturnType<typeof startWorker>;

/** A minute has passed since the last sweep: the next worker on its way out takes its turn. */
function minutePassed(home: string): void {
  const db = openDb(home);
  try {
    db.prepare("DELETE FROM meta WHERE key = 'sweep.last'").run();
  } finally {
    db.close();
  }
}

/**
 * Issue 16: a worker SIGKILLed while its exit-time sweep reads a session no hook named leaves
 * nothing half done that the next worker's sweep would double. A worker of a tiny session (one
 * SessionEnd job) is started as the router starts it, drains its job, and on its way out sweeps a
 * recorded Claude Code session no hook named. Such workers are killed at random moments of their
 * life (the sweep's once-a-minute turn handed back between them, as a minute passing would), then
 * one is let finish: both sessions' devlogs, entries and failures equal those of one worker never
 * interrupted. The sweep.ts crash test kills `shiplog sweep`; this one kills the worker, whose
 * sweep runs after its own session's drain, in the process the hooks start.
 */
it('a worker SIGKILLed while its exit sweep reads a session, then one let finish, writes what one clean worker writes', async () => {
  const swept = basename(claudeFixture('long'), '.jsonl');
  async function setup(name: string) {
    const base = join(root, name);
    const { repo, home, env } = unreportedSession(base);
    // The worker's own session: one turn in a repository of its own, ended, its job spooled as
    // the router writes it (src/worker/route-inbox.ts). Its transcript is outside the clients'
    // folders, so only its job leads to it.
    const ownRepo = gitRepo(join(base, 'own-repo'));
    const ownTranscript = writeClaudeTranscript(join(base, `${OWN}.jsonl`), OWN, ownRepo, [simpleTurn(1)]);
    const spool = join(home, 'spool', OWN);
    mkdirSync(spool, { recursive: true });
    const payload = JSON.parse(sessionEndPayload(OWN, ownTranscript, ownRepo)) as object;
    writeFileSync(
      join(spool, '000000000000001-1-end.json'),
      JSON.stringify({ v: 1, agent: 'claude-code', received_at: new Date().toISOString(), payload }),
    );
    return { repo, ownRepo, home, env };
  }
  type World = Awaited<ReturnType<typeof setup>>;

  /**
   * Where a worker was when it died, from what it left in state.db: its sweep had taken its turn
   * (sweep.last, deleted before it started); the session lock of the swept session still names it
   * (it died between the sweep's tryLock and releaseLock); its sweep run of that session never
   * ended (it died inside runSession: reading, committing, writing the devlog or appending); a
   * window of the swept session stored and not yet appended.
   */
  const leftBy = (w: World, pid: number) => {
    const db = openDb(w.home);
    try {
      return {
        turn: db.prepare("SELECT 1 FROM meta WHERE key = 'sweep.last'").get() !== undefined,
        holding: db.prepare('SELECT 1 FROM locks WHERE session_id = ? AND pid = ?').get(swept, pid) !== undefined,
        reading:
          db
            .prepare("SELECT 1 FROM runs WHERE session_id = ? AND pid = ? AND trigger = 'sweep' AND ended_at IS NULL")
            .get(swept, pid) !== undefined,
        unwritten:
          db.prepare("SELECT 1 FROM windows WHERE session_id = ? AND status = 'closing'").get(swept) !== undefined,
      };
    } finally {
      db.close();
    }
  };

  /**
   * Waits until the worker's sweep takes the swept session's lock (true), or the worker exits
   * first (false): the moment its sweep starts on the session, seen in state.db.
   */
  const sweepTakes = async (w: World, worker: Worker): Promise<boolean> => {
    let gone = false;
    void worker.exited.then(() => (gone = true));
    const db = new Database(join(w.home, 'state.db'), { readonly: true, timeout: 5000 });
    try {
      const held = db.prepare('SELECT 1 FROM locks WHERE session_id = ? AND pid = ?');
      while (!gone) {
        if (held.get(swept, worker.child.pid) !== undefined) return true;
        await sleep(5);
      }
      return false;
    } finally {
      db.close();
    }
  };

  /**
   * Kills land anywhere in a worker's life on this machine, however loaded (startup, its own
   * session, the sweep's reading and appending, the way out), or, every other one, anywhere in its
   * sweep's read of the session. Both are timed on the clean worker, and timed again on every
   * later worker that read the whole session uninterrupted, so they follow the machine's load.
   */
  const timing = { lifeMs: 0, readMs: 0 };
  const retime = (w: World, pid: number, lifeMs: number | null) => {
    const db = openDb(w.home);
    try {
      const run = db
        .prepare(
          "SELECT started_at, ended_at FROM runs WHERE session_id = ? AND pid = ? AND trigger = 'sweep' AND ended_at IS NOT NULL AND bytes_read > 0",
        )
        .get(swept, pid) as { started_at: string; ended_at: string } | undefined;
      if (run === undefined) return false;
      timing.readMs = Math.max(1, Date.parse(run.ended_at) - Date.parse(run.started_at));
      if (lifeMs !== null) timing.lifeMs = lifeMs;
      return true;
    } finally {
      db.close();
    }
  };

  // One worker first, in a state folder of its own with nothing to do, so the clean one is timed
  // with the build in the page cache like every worker after it.
  await startWorker(
    hookEnv(join(root, 'warm'), {
      CLAUDE_CONFIG_DIR: join(root, 'warm', 'claude'),
      CODEX_HOME: join(root, 'warm', 'codex'),
      HOME: join(root, 'warm'),
    }),
  ).exited;
  const clean = await setup('clean');
  const started = Date.now();
  const cleanWorker = startWorker(clean.env);
  const [code] = await cleanWorker.exited;
  assert.equal(code, 0);
  assert.ok(
    retime(clean, cleanWorker.child.pid ?? -1, Date.now() - started),
    'the clean worker read the swept session from its sweep',
  );
  const expected = { swept: readOutputs(clean.repo, swept), own: readOutputs(clean.ownRepo, OWN) };
  assert.ok(expected.swept.entries.trim() !== '', 'the clean worker swept the session and wrote its entry');
  assert.ok(expected.own.entries.trim() !== '', 'the clean worker wrote its own session entry');
  assert.equal(expected.swept.failures + expected.own.failures, '', 'the clean worker recorded no failure');

  // A worker that gets through the swept session leaves later sweeps nothing to be killed in, so
  // kills go on in fresh worlds (rounds) until there were enough of them, enough while a sweep
  // held the session; each round ends with a worker let finish, compared with the clean one.
  const rand = prng(16);
  const moved = (round: string) => (text: string) => text.replaceAll(join(root, 'clean'), join(root, round));
  let kills = 0;
  let holding = 0;
  let reading = 0;
  const story: string[] = [];
  for (let r = 0; r < MAX_ROUNDS && (kills < MIN_KILLS || holding < MIN_HOLDING); r++) {
    const round = `killed-${r}`;
    const w = await setup(round);
    for (let i = 0; i < MAX_KILLS_PER_ROUND; i++) {
      minutePassed(w.home);
      const born = Date.now();
      const worker = startWorker(w.env);
      const at = rand();
      // Any moment of its life; or, every other worker, a moment of its sweep's read of the session.
      if (i % 2 === 0) await sleep(Math.floor(at * timing.lifeMs));
      else if (await sweepTakes(w, worker)) await sleep(Math.floor(at * timing.readMs));
      worker.child.kill('SIGKILL');
      const [, signal] = await worker.exited;
      retime(w, worker.child.pid ?? -1, signal === null ? Date.now() - born : null);
      const left = leftBy(w, worker.child.pid ?? -1);
      const through = readOutputs(w.repo, swept).entries !== '';
      if (signal === 'SIGKILL') kills++;
      if (signal === 'SIGKILL' && left.holding) holding++;
      if (signal === 'SIGKILL' && left.reading) reading++;
      story.push(
        `${round} worker ${i}: ${signal === 'SIGKILL' ? 'killed' : 'exited'}${left.turn ? ', its sweep had begun' : ''}${left.holding ? ', holding the swept session' : ''}${left.reading ? ' in its run' : ''}${left.unwritten ? ', its window stored, not appended' : ''}${through ? ', the swept entry is out' : ''}`,
      );
      // Got through the swept session: its sweep has nothing left to be killed in.
      if (through) break;
    }
    minutePassed(w.home);
    const born = Date.now();
    const last = startWorker(w.env);
    const [lastCode] = await last.exited;
    retime(w, last.child.pid ?? -1, Date.now() - born);
    const got = { swept: readOutputs(w.repo, swept), own: readOutputs(w.ownRepo, OWN) };
    const log = readFileSync(join(w.home, 'shiplog.log'), 'utf8').split('\n').slice(-15).join('\n');
    const db = openDb(w.home);
    const state = JSON.stringify([
      db.prepare('SELECT session_id, offset, ended_at, window_state, updated_at FROM sessions').all(),
      db.prepare('SELECT run_id, status, needs_eval FROM windows').all(),
      db.prepare('SELECT * FROM meta').all(),
      db.prepare('SELECT * FROM locks').all(),
    ]);
    db.close();
    // What the workers went through, what the last one logged and the state it left explain a difference.
    const why = `${story.filter((l) => l.startsWith(`${round} `)).join('\n')}\nlast worker (exit ${lastCode})\nlog:\n${log}\nstate: ${state}`;
    const m = moved(round);
    assert.equal(lastCode, 0, why);
    assert.equal(got.swept.entries, m(expected.swept.entries), why);
    assert.equal(got.swept.devlog, expected.swept.devlog === null ? null : m(expected.swept.devlog), why);
    assert.equal(got.swept.failures, m(expected.swept.failures), why);
    assert.equal(got.own.entries, m(expected.own.entries), why);
    assert.equal(got.own.devlog, expected.own.devlog === null ? null : m(expected.own.devlog), why);
    assert.equal(got.own.failures, m(expected.own.failures), why);
    rmSync(join(root, round), { recursive: true, force: true });
  }
  console.log(
    `last timed worker: ${timing.lifeMs} ms, its sweep read the session in ${timing.readMs} ms; ${kills} kills, ${holding} while the sweep held the swept session (${reading} inside its run)\n${story.join('\n')}`,
  );
  // Not vacuous: kills did land while the worker's sweep held the session it was reading.
  assert.ok(
    holding >= MIN_HOLDING,
    `only ${holding} of ${kills} kills landed while the sweep held the swept session:\n${story.join('\n')}`,
  );
  rmSync(join(root, 'clean'), { recursive: true, force: true });
});

const CHAT = 'chat-only';

/** A Claude Code session no hook named, in its own repository: one question, one answer, no work. */
function chatOnlyWorld(name: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const base = join(root, name);
  const repo = gitRepo(join(base, 'repo'));
  const claudeDir = join(base, 'claude');
  const project = join(claudeDir, 'projects', '-repo');
  mkdirSync(project, { recursive: true });
  const transcript = writeClaudeTranscript(join(project, `${CHAT}.jsonl`), CHAT, repo, [
    { prompt: 'What does this repository do?', reply: 'Nothing yet: it is empty.' },
  ]);
  const home = join(base, 'state');
  writtenAfterInstall(transcript, home);
  return {
    base,
    repo,
    home,
    transcript,
    env: hookEnv(home, { CLAUDE_CONFIG_DIR: claudeDir, CODEX_HOME: join(base, 'no-codex'), HOME: base, ...extraEnv }),
  };
}

/**
 * A session whose devlog is behind its cursor is due (test/worker/sweep.test.ts), except with
 * devlogs off: then the devlog never catches up, and no sweep runs the session for it.
 */
it('with devlogs off, a session the sweep read to its end is not read again for its devlog', async () => {
  const w = chatOnlyWorld('devlog-off', { SHIPLOG_DEVLOG: '0' });
  const runs = () => {
    const db = openDb(w.home);
    try {
      return db.prepare('SELECT trigger, bytes_read FROM runs WHERE session_id = ?').all(CHAT);
    } finally {
      db.close();
    }
  };
  assert.equal((await startWorker(w.env).exited)[0], 0);
  assert.deepEqual(runs(), [{ trigger: 'sweep', bytes_read: statSync(w.transcript).size }]);
  assert.equal(readOutputs(w.repo, CHAT).devlog, null);
  minutePassed(w.home);
  assert.equal((await startWorker(w.env).exited)[0], 0);
  assert.equal(runs().length, 1, 'the next sweep left the session alone');
});
