import assert from 'node:assert/strict';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { createLogger } from '../../src/log.js';
import { openDb } from '../../src/state/db.js';
import { setMeta } from '../../src/state/meta.js';
import { configFor } from '../../src/worker/main.js';
import { sweep } from '../../src/worker/sweep.js';
import { runChecks as runDoctor } from '../../src/doctor/checks.js';
import { cleanup, gitRepo, readOutputs, runInProcess, tempDir } from '../helpers.js';
import { writeClaudeTranscript } from '../synthetic.js';

/**
 * Issue 16, item 2: sessions no hook told about are read by the sweep — a known session whose
 * transcript grew after its last run (the client was killed before its hooks ran), and a session
 * no hook ever named (hooks off) — with real files, a real state.db and the whole pipeline.
 */

const root = tempDir();
after(() => cleanup(root));

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const minutes = (n: number) => new Date(T0 + n * 60_000);

function world(name: string) {
  const base = join(root, name);
  const repo = gitRepo(join(base, 'repo'), true);
  const home = join(base, 'state');
  const dirs = { claudeDir: join(base, 'claude'), codexHome: join(base, 'codex') };
  // Where the sweep looks for each agent's sessions: this world's folders, never the user's.
  const env = { ...process.env, HOME: base, CLAUDE_CONFIG_DIR: dirs.claudeDir, CODEX_HOME: dirs.codexHome };
  const project = join(dirs.claudeDir, 'projects', '-repo');
  mkdirSync(project, { recursive: true });
  mkdirSync(home, { recursive: true });
  const run = async (at: Date, force = false) => {
    const db = openDb(home);
    try {
      return await sweep(
        {
          dir: home,
          db,
          log: createLogger(home, 'test'),
          env,
          configFor: () => configFor(repo, process.env, createLogger(home, 'test')),
          busyMs: 5000,
          now: () => at,
        },
        { force },
      );
    } finally {
      db.close();
    }
  };
  const install = (at: Date) => {
    const db = openDb(home);
    try {
      setMeta(db, 'installed_at', at.toISOString());
    } finally {
      db.close();
    }
  };
  const entries = (session: string) =>
    readOutputs(repo, session)
      .entries.trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => ChangelogEntry.parse(JSON.parse(l)));
  return { repo, home, dirs, project, run, install, entries };
}

/** Sets a file's mtime: the sweep judges a transcript's quiet by it. */
const touch = (path: string, at: Date) => utimesSync(path, at, at);

/**
 * A session a hook named after its first turn (so state.db knows it), whose second turn then
 * reached the transcript with no hook (the client was killed), last written at minute 2.
 */
async function grownSession(w: ReturnType<typeof world>, id: string): Promise<string> {
  w.install(minutes(-60));
  const transcript = join(w.project, `${id}.jsonl`);
  writeClaudeTranscript(transcript, id, w.repo, [
    {
      prompt: 'Add a greeting script',
      write: { path: join(w.repo, 'greet.sh'), content: 'echo hi\n' },
      reply: 'Added greet.sh.',
    },
  ]);
  await runInProcess(w.home, {
    sessionId: id,
    agent: 'claude-code',
    transcriptPath: transcript,
    cwd: w.repo,
    trigger: 'test',
  });
  writeClaudeTranscript(
    transcript,
    id,
    w.repo,
    [
      {
        prompt: 'Add a farewell script',
        write: { path: join(w.repo, 'bye.sh'), content: 'echo bye\n' },
        reply: 'Added bye.sh.',
      },
    ],
    { append: true, firstSeq: 1 },
  );
  touch(transcript, minutes(2));
  return transcript;
}

describe('the catch-up sweep', () => {
  it('reads a known session whose transcript grew with no hook, and closes its window once it is idle', async () => {
    const w = world('known');
    await grownSession(w, 'known');
    assert.deepEqual(w.entries('known'), []);

    const early = await w.run(minutes(3), true);
    assert.deepEqual(early.ran, [], 'written to a minute ago: left to its hooks');
    assert.deepEqual(early.waiting, [
      { session: 'known', reason: 'written to in the last minutes: left to its hooks' },
    ]);
    const read = await w.run(minutes(10), true);
    assert.deepEqual(
      read.ran,
      [{ session: 'known', agent: 'claude-code', closed: false }],
      'quiet, not yet idle: read, window kept open',
    );
    assert.deepEqual(w.entries('known'), []);
    assert.match(readOutputs(w.repo, 'known').devlog ?? '', /created bye\.sh/, 'the devlog has the second turn');

    // Nothing new since, and not yet idle: the next sweep reads nothing.
    assert.deepEqual((await w.run(minutes(20), true)).ran, []);
    // Idle now: the window the sweep left open is closed, with nothing read.
    assert.deepEqual((await w.run(minutes(50), true)).ran, [{ session: 'known', agent: 'claude-code', closed: true }]);
    assert.equal(w.entries('known').length, 1);
    assert.deepEqual((await w.run(minutes(55), true)).ran, [], 'closed once');
  });

  it('closes the window of a session read to its end by a run killed before it could close it', async () => {
    const w = world('read-open');
    await grownSession(w, 'read-open');
    // The run read every byte and committed, but died before the idle close (a kill between two commits).
    await runInProcess(w.home, {
      sessionId: 'read-open',
      agent: 'claude-code',
      transcriptPath: join(w.project, 'read-open.jsonl'),
      cwd: w.repo,
      trigger: 'test',
    });
    assert.deepEqual(w.entries('read-open'), []);
    assert.deepEqual((await w.run(minutes(10), true)).ran, [], 'not idle yet: nothing to do');
    assert.deepEqual((await w.run(minutes(40), true)).ran, [
      { session: 'read-open', agent: 'claude-code', closed: true },
    ]);
    assert.deepEqual(w.entries('read-open')[0]?.touched_files.created.sort(), ['bye.sh', 'greet.sh']);
  });

  it('writes a closed window whose run was killed after storing it and before appending it', async () => {
    const w = world('unwritten');
    const transcript = await grownSession(w, 'unwritten');
    await runInProcess(w.home, {
      sessionId: 'unwritten',
      agent: 'claude-code',
      transcriptPath: transcript,
      cwd: w.repo,
      trigger: 'test',
      close: 'idle',
    });
    const written = readOutputs(w.repo, 'unwritten').entries;
    assert.equal(w.entries('unwritten').length, 1);
    // What a SIGKILL between the window's commit and its append leaves: the window stored as
    // closing, no sink's delivery recorded, its line not in entries.jsonl.
    const db = openDb(w.home);
    try {
      db.prepare(`UPDATE windows SET status = 'closing' WHERE session_id = ?`).run('unwritten');
      db.prepare('DELETE FROM deliveries WHERE run_id IN (SELECT run_id FROM windows WHERE session_id = ?)').run(
        'unwritten',
      );
    } finally {
      db.close();
    }
    const entriesFile = join(w.repo, '.changelog', w.entries('unwritten')[0]?.actor ?? '', 'entries.jsonl');
    writeFileSync(entriesFile, '');
    assert.deepEqual((await w.run(minutes(10), true)).ran, [
      { session: 'unwritten', agent: 'claude-code', closed: false },
    ]);
    assert.equal(readOutputs(w.repo, 'unwritten').entries, written, 'the same line, once');
    assert.deepEqual((await w.run(minutes(40), true)).ran, [], 'nothing left to do');
  });

  it('closes the window of a session quiet for longer than the idle time, so it gets its entry', async () => {
    const w = world('idle');
    await grownSession(w, 'idle');
    const swept = await w.run(minutes(40), true);
    assert.deepEqual(swept.ran, [{ session: 'idle', agent: 'claude-code', closed: true }]);
    const written = w.entries('idle');
    assert.equal(written.length, 1);
    assert.deepEqual(written[0]?.touched_files.created.sort(), ['bye.sh', 'greet.sh']);
    assert.deepEqual((await w.run(minutes(45), true)).ran, [], 'read once');
    assert.equal(w.entries('idle').length, 1, 'written once');
  });

  it('writes the devlog of a session whose run was killed after its commit and before its devlog write', async () => {
    const w = world('devlog-behind');
    const transcript = await grownSession(w, 'devlog-behind');
    await runInProcess(w.home, {
      sessionId: 'devlog-behind',
      agent: 'claude-code',
      transcriptPath: transcript,
      cwd: w.repo,
      trigger: 'test',
      close: 'idle',
    });
    const devlog = readOutputs(w.repo, 'devlog-behind').devlog;
    assert.match(devlog ?? '', /created bye\.sh/);
    // What a SIGKILL between the run's last commit and its devlog write leaves (its window
    // already written, or none to write: a chat-only window is dropped): the cursor at the end,
    // the devlog behind it.
    const db = openDb(w.home);
    try {
      db.prepare('UPDATE sessions SET devlog_offset = -1 WHERE session_id = ?').run('devlog-behind');
    } finally {
      db.close();
    }
    rmSync(join(w.repo, '.devlog'), { recursive: true });
    assert.deepEqual((await w.run(minutes(10), true)).ran, [
      { session: 'devlog-behind', agent: 'claude-code', closed: false },
    ]);
    assert.equal(readOutputs(w.repo, 'devlog-behind').devlog, devlog);
    assert.equal(w.entries('devlog-behind').length, 1, 'the entry is not written again');
    assert.deepEqual((await w.run(minutes(45), true)).ran, [], 'nothing left to do');
  });

  it('finds a session no hook ever named (hooks off) among the transcripts started since install, and no older one', async () => {
    const w = world('unknown');
    w.install(minutes(0));
    const fresh = writeClaudeTranscript(join(w.project, 'fresh.jsonl'), 'fresh', w.repo, [
      {
        prompt: 'Add a greeting script',
        write: { path: join(w.repo, 'greet.sh'), content: 'echo hi\n' },
        reply: 'Added greet.sh.',
      },
    ]);
    touch(fresh, minutes(1));
    const old = writeClaudeTranscript(join(w.project, 'old.jsonl'), 'old', w.repo, [
      {
        prompt: 'Add an old script',
        write: { path: join(w.repo, 'old.sh'), content: 'echo old\n' },
        reply: 'Added old.sh.',
      },
    ]);
    touch(old, minutes(-120));
    touch(w.project, minutes(1));
    const swept = await w.run(minutes(40), true);
    assert.deepEqual(swept.ran, [{ session: 'fresh', agent: 'claude-code', closed: true }]);
    assert.equal(w.entries('fresh').length, 1);
    assert.equal(readOutputs(w.repo, 'old').devlog, null, "a session from before the install is backfill's");
  });

  it('runs at most once a minute unless forced, and lists only folders changed since the last complete sweep', async () => {
    const w = world('rate');
    w.install(minutes(0));
    assert.notEqual((await w.run(minutes(5))).ran, null);
    assert.equal((await w.run(minutes(5.5))).ran, null, 'a second sweep within the minute does nothing');
    // A transcript in a folder whose mtime is older than the last sweep is not listed.
    const hidden = writeClaudeTranscript(join(w.project, 'hidden.jsonl'), 'hidden', w.repo, [
      { prompt: 'Add x', write: { path: join(w.repo, 'x.sh'), content: 'x\n' }, reply: 'Added x.sh.' },
    ]);
    touch(hidden, minutes(4));
    touch(w.project, minutes(-30));
    assert.deepEqual((await w.run(minutes(50))).ran, [], 'its folder did not change since the last sweep');
    touch(w.project, minutes(49));
    assert.deepEqual(
      (await w.run(minutes(51))).ran?.map((r) => r.session),
      ['hidden'],
    );
  });

  it('an install older than a month with no complete sweep yet: lists the last month of day folders and sweeps', async () => {
    const w = world('month-old');
    w.install(minutes(-45 * 24 * 60));
    const fresh = writeClaudeTranscript(join(w.project, 'late.jsonl'), 'late', w.repo, [
      {
        prompt: 'Add a late script',
        write: { path: join(w.repo, 'late.sh'), content: 'late\n' },
        reply: 'Added late.sh.',
      },
    ]);
    touch(fresh, minutes(1));
    touch(w.project, minutes(1));
    assert.deepEqual(
      (await w.run(minutes(40), true)).ran?.map((r) => r.session),
      ['late'],
    );
  });

  it('looks for no transcript a hook never named while shiplog install has not recorded itself', async () => {
    const w = world('not-installed');
    const fresh = writeClaudeTranscript(join(w.project, 'stray.jsonl'), 'stray', w.repo, [
      { prompt: 'Add a script', write: { path: join(w.repo, 's.sh'), content: 's\n' }, reply: 'Added s.sh.' },
    ]);
    touch(fresh, minutes(1));
    touch(w.project, minutes(1));
    assert.deepEqual((await w.run(minutes(40), true)).ran, []);
    assert.equal(readOutputs(w.repo, 'stray').devlog, null);
  });

  it('doctor names sessions that grew with no hook to say so, until a sweep has read them', async () => {
    const w = world('doctor');
    await grownSession(w, 'doc');
    const doctor = async () =>
      (
        await runDoctor({
          env: { ...process.env, SHIPLOG_HOME: w.home },
          stateDir: w.home,
          cwd: w.repo,
          now: minutes(10),
        })
      ).find((c) => c.key === 'sweep');
    assert.equal((await doctor())?.status, 'info');
    assert.match(
      (await doctor())?.message ?? '',
      /1 session\(s\) grew with no hook to say so \(doc\); the next worker's sweep reads them, or now: shiplog sweep/,
    );
    await w.run(minutes(10), true);
    assert.equal((await doctor())?.status, 'ok');
    assert.match(
      (await doctor())?.message ?? '',
      /^last sweep .*; no timer: workers on their way out, shiplog status, doctor and flush start it$/,
    );
  });
});
