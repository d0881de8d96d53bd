import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { discoverTranscripts, isUpToDate, locateSessions } from '../../src/backfill/discover.js';
import { openDb } from '../../src/state/db.js';
import { claudeFixture, claudeFixtures, claudeFixtureWorkspace } from '../claude-fixtures.js';
import { fakeBin, fakeCalls } from '../evaluator/fake-env.js';
import { CLAUDE_FIXTURES, CLI, cleanup, CODEX_FIXTURES, runProcess, tempDir } from '../helpers.js';
import {
  backfill,
  buildFixture,
  describeBackfillWorld,
  entries,
  envFor,
  escapeRe,
  located,
  NO_CWD,
  outputs,
  PAST,
  progressLines,
  query,
  removeOutputs,
  unlocated,
  type Fixture,
} from './backfill-world.js';

/** The transcripts recorded from the real clients, in the repository. */
const SOURCES = { claude: CLAUDE_FIXTURES, codex: CODEX_FIXTURES };

describe('backfill discovery', () => {
  let root: string;
  before(() => (root = tempDir()));
  after(() => cleanup(root));

  it('finds main transcripts only, skips what it cannot use with a reason, keeps the larger copy of a thread', () => {
    const claude = join(root, 'claude');
    const codex = join(root, 'codex');
    const put = (path: string, text: string, age = PAST) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      utimesSync(path, age, age);
    };
    const claudeLine = '{"type":"user","cwd":"/x","sessionId":"s"}\n';
    put(join(claude, 'projects', 'p', 'main-1.jsonl'), claudeLine);
    put(join(claude, 'projects', 'p', 'main-1', 'subagents', 'agent-a1.jsonl'), claudeLine);
    put(join(claude, 'projects', 'p', 'agent-old.jsonl'), claudeLine);
    put(join(claude, 'projects', 'p', 'bad id.jsonl'), claudeLine);
    put(join(claude, 'projects', 'p', 'old.jsonl'), claudeLine, new Date(Date.now() - 40 * 86_400_000));
    symlinkSync(join(claude, 'projects', 'p', 'main-1.jsonl'), join(claude, 'projects', 'p', 'linked.jsonl'));

    const id = '019c0000-0000-7000-8000-000000000001';
    const meta = (source: unknown) =>
      `${JSON.stringify({ timestamp: '2026-01-02T00:00:00Z', type: 'session_meta', payload: { id, cwd: '/x', source } })}\n`;
    put(
      join(codex, 'sessions', '2026', '01', '02', `rollout-2026-01-02T00-00-00-${id}.jsonl`),
      meta('cli') + meta('cli'),
    );
    put(join(codex, 'archived_sessions', `rollout-2026-01-02T00-00-00-${id}.jsonl`), meta('cli'));
    const child = '019c0000-0000-7000-8000-000000000002';
    put(
      join(codex, 'sessions', '2026', '01', '02', `rollout-2026-01-02T00-00-01-${child}.jsonl`),
      meta({ subagent: { thread_spawn: { parent_thread_id: id } } }),
    );
    put(join(codex, 'sessions', '2026', '01', '02', 'rollout-no-thread-id.jsonl'), meta('cli'));

    const found = discoverTranscripts({
      agents: ['claude-code', 'codex'],
      env: { HOME: root, CLAUDE_CONFIG_DIR: claude, CODEX_HOME: codex },
      since: new Date(Date.now() - 30 * 86_400_000),
    });
    assert.deepEqual(found.transcripts.map((t) => [t.agent, t.sessionId]).sort(), [
      ['claude-code', 'main-1'],
      ['codex', id],
    ]);
    assert.equal(
      found.transcripts.find((t) => t.agent === 'codex')?.path.includes('/sessions/'),
      true,
      'the larger (live) copy is kept',
    );
    const reasons = new Map(found.skipped.map((s) => [s.sessionId, s.reason]));
    assert.match(reasons.get('bad id') ?? '', /not a usable session id/);
    assert.match(reasons.get('linked') ?? '', /symbolic link/);
    assert.match(reasons.get(id) ?? '', /another copy of this thread is larger/);
    assert.equal(found.skipped.length, 3);

    const all = discoverTranscripts({
      agents: ['claude-code'],
      env: { HOME: root, CLAUDE_CONFIG_DIR: claude, CODEX_HOME: codex },
    });
    assert.deepEqual(all.transcripts.map((t) => t.sessionId).sort(), ['main-1', 'old']);
  });

  it('skips sessions whose folder is gone, and keeps only those inside --repo', () => {
    const repo = join(root, 'repo');
    mkdirSync(join(repo, 'sub'), { recursive: true });
    const t = (sessionId: string) => ({
      agent: 'claude-code' as const,
      sessionId,
      path: `/t/${sessionId}.jsonl`,
      size: 1,
      mtimeMs: 0,
    });
    const cwd: Record<string, string | null> = {
      inside: join(repo, 'sub'),
      top: repo,
      elsewhere: root,
      gone: join(root, 'gone'),
      unknown: null,
    };
    const transcripts = Object.keys(cwd).map(t);
    const all = locateSessions(transcripts, { cwdOf: (x) => cwd[x.sessionId] ?? null });
    assert.deepEqual(
      all.sessions.map((s) => s.sessionId),
      ['inside', 'top', 'elsewhere'],
    );
    assert.deepEqual(
      all.skipped.map((s) => [s.sessionId, s.reason]),
      [
        ['gone', `working folder ${join(root, 'gone')} no longer exists`],
        ['unknown', 'the transcript names no working folder'],
      ],
    );
    const scoped = locateSessions(transcripts, { repo, cwdOf: (x) => cwd[x.sessionId] ?? null });
    assert.deepEqual(
      scoped.sessions.map((s) => s.sessionId),
      ['inside', 'top'],
    );
    assert.deepEqual(scoped.skipped, []);
  });

  it('a session is up to date only when fully read, with nothing pending, and its window closed or still live', () => {
    const t = { path: '/t/a.jsonl', size: 100 };
    const closed = { transcript_path: t.path, offset: 100, window_state: JSON.stringify({ cur: null }) };
    const open = { ...closed, window_state: JSON.stringify({ cur: { startSeq: 0 } }) };
    assert.equal(isUpToDate(closed, t, { idle: true, unwrittenWindows: 0 }), true);
    assert.equal(
      isUpToDate(open, t, { idle: false, unwrittenWindows: 0 }),
      true,
      'a live session keeps its window open',
    );
    assert.equal(isUpToDate(open, t, { idle: true, unwrittenWindows: 0 }), false, 'an idle one gets it closed');
    assert.equal(isUpToDate(closed, t, { idle: true, unwrittenWindows: 1 }), false);
    assert.equal(isUpToDate({ ...closed, offset: 90 }, t, { idle: true, unwrittenWindows: 0 }), false);
    assert.equal(
      isUpToDate({ ...closed, transcript_path: '/t/b.jsonl' }, t, { idle: true, unwrittenWindows: 0 }),
      false,
    );
    assert.equal(isUpToDate(null, t, { idle: false, unwrittenWindows: 0 }), false);
  });
});

describeBackfillWorld('shiplog backfill over every recorded fixture', SOURCES);

/** The session ids a Claude Code fixture scenario recorded (fixtures.json), in order of start. */
function scenarioIds(scenario: string): string[] {
  const n = claudeFixtures().filter((p) => basename(dirname(p)) === scenario).length;
  return Array.from({ length: n }, (_, i) => basename(claudeFixture(scenario, i), '.jsonl'));
}

describe('shiplog backfill filters and pauses', () => {
  let fx: Fixture;
  let gone: string;
  /** The Codex sessions: all of them are found, those naming no working folder are skipped. */
  let codex: { all: Fixture['sessions']; located: Fixture['sessions']; unlocated: Fixture['sessions'] };
  /** The `failures` scenario: one workspace holding several sessions, the only ones in it. */
  let ws: string;
  let failures: string[];
  before(() => {
    fx = buildFixture(tempDir(), SOURCES);
    const all = fx.sessions.filter((s) => s.agent === 'codex');
    codex = { all, located: located(all), unlocated: unlocated(all) };
    ws = fx.folder(claudeFixtureWorkspace('failures'));
    failures = scenarioIds('failures');
    assert.ok(failures.length >= 2, `the failures scenario records several sessions: ${failures.join(', ')}`);
    // A session whose working folder has been deleted since: a copy of a Codex rollout, moved.
    const src = codex.located[0];
    assert.ok(src?.cwd);
    gone = join(fx.root, 'deleted-project');
    const dest = join(
      fx.codexHome,
      'sessions',
      '2026',
      '05',
      '13',
      'rollout-2026-05-13T10-00-00-00000000-0000-4000-8000-0000000000aa.jsonl',
    );
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, readFileSync(src.path, 'utf8').replaceAll(src.cwd, gone));
    utimesSync(dest, PAST, PAST);
  });
  after(() => cleanup(fx.root));

  it('--agent codex touches Codex sessions only, and reports a session whose folder is gone as skipped', async () => {
    const home = join(fx.root, 'state-codex');
    const r = await backfill(fx, home, ['--agent', 'codex', '--max-concurrency', '4']);
    assert.equal(r.code, 0, r.stderr);
    const total = codex.all.length + 1;
    assert.equal(progressLines(r.stdout).length, total);
    assert.match(
      r.stdout,
      new RegExp(
        `^\\[\\d+/${total}\\] 00000000-0000-4000-8000-0000000000aa codex: skipped: working folder ${escapeRe(gone)} no longer exists$`,
        'm',
      ),
    );
    for (const s of codex.unlocated)
      assert.match(r.stdout, new RegExp(`^\\[\\d+/${total}\\] ${s.id} codex: skipped: ${NO_CWD}$`, 'm'));
    const codexIds = codex.located.map((s) => s.id).sort();
    assert.equal(
      query(home, 'SELECT id FROM runs').length,
      codexIds.length,
      'four at a time, each session still runs once',
    );
    entries(fx);
    assert.deepEqual(
      query<{ session_id: string }>(home, 'SELECT session_id FROM sessions ORDER BY session_id').map(
        (x) => x.session_id,
      ),
      codexIds,
    );
    assert.deepEqual(
      query<{ session_id: string }>(home, 'SELECT DISTINCT session_id FROM runs ORDER BY session_id').map(
        (x) => x.session_id,
      ),
      codexIds,
    );
    for (const s of located(fx.sessions.filter((x) => x.agent === 'claude-code')))
      assert.equal(existsSync(join(s.cwd ?? '', '.changelog')), false, s.cwd ?? '');
  });

  it('--repo keeps the sessions whose working folder is inside it; a live session keeps its window open', async () => {
    const home = join(fx.root, 'state-repo');
    // The last one started: as if it were still going on.
    const live = fx.sessions.find((s) => s.id === failures.at(-1));
    assert.ok(live);
    const now = new Date();
    utimesSync(live.path, now, now);
    const r = await backfill(fx, home, ['--repo', ws]);
    assert.equal(r.code, 0, r.stderr);
    const expected = fx.sessions
      .filter((s) => s.cwd === ws)
      .map((s) => s.id)
      .sort();
    assert.deepEqual(expected, [...failures].sort());
    assert.deepEqual(
      query<{ session_id: string }>(home, 'SELECT session_id FROM runs ORDER BY session_id').map((x) => x.session_id),
      expected,
    );
    assert.equal(progressLines(r.stdout).length, expected.length);
    const open = query<{ session_id: string }>(
      home,
      "SELECT session_id FROM sessions WHERE json_extract(window_state, '$.cur') IS NOT NULL",
    );
    assert.deepEqual(
      open.map((x) => x.session_id),
      [live.id],
      'its hooks close it, not the backfill',
    );
    const again = await backfill(fx, home, ['--repo', ws]);
    assert.equal(
      progressLines(again.stdout).filter((l) => l.endsWith(': up to date')).length,
      expected.length,
      again.stdout,
    );
    assert.equal(query(home, 'SELECT id FROM runs').length, expected.length);
    utimesSync(live.path, PAST, PAST);
    const nested = join(ws, 'nested');
    mkdirSync(nested);
    const inner = await backfill(fx, home, ['--repo', nested, '--dry-run']);
    assert.match(
      inner.stdout,
      /^No sessions found in .+ \(working in .+\/nested\); nothing to do\.$/m,
      'a session started in the workspace is not inside a folder within it',
    );
  });

  it('stops with exit 3 and says until when, without running anything, while the evaluator is paused', async () => {
    const home = join(fx.root, 'state-paused');
    const status = await runProcess(process.execPath, [CLI, 'status'], { env: envFor(fx, home) });
    assert.equal(status.code, 0, status.stderr);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const db = new Database(join(home, 'state.db'));
    db.prepare('INSERT INTO evaluator_backoff (evaluator, until, reason, message, set_at) VALUES (?, ?, ?, ?, ?)').run(
      'claude',
      until,
      'rate_limit',
      'usage limit reached',
      new Date().toISOString(),
    );
    db.close();

    const r = await backfill(fx, home, ['--evaluator', 'claude', '--agent', 'codex']);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(
      r.stderr.includes(
        `the claude evaluator is paused until ${until} after a usage or rate limit (usage limit reached)`,
      ),
      r.stderr,
    );
    assert.match(
      r.stderr,
      /Rerun the same command after that time to continue where this run stopped\. Nothing is lost/,
    );
    assert.equal(query(home, 'SELECT id FROM runs').length, 0);
    assert.equal(query(home, 'SELECT session_id FROM sessions').length, 0);
    // Nothing ran: the sessions that would run are all not started; the others are skipped.
    assert.match(
      r.stdout,
      new RegExp(
        `\\(0 processed, 0 up to date, ${codex.unlocated.length + 1} skipped, ${codex.located.length} not started\\)`,
      ),
    );
    // The heuristic calls no model: the pause does not concern it.
    const dry = await backfill(fx, home, ['--evaluator', 'heuristic', '--agent', 'codex', '--dry-run']);
    assert.equal(dry.stderr, '');
  });

  it('halts on a 429 from the evaluator mid-run, says how to resume, and the rerun after the pause writes every entry once', async () => {
    removeOutputs(fx.work);
    const home = join(fx.root, 'state-429');
    const log = join(fx.root, 'calls-429.jsonl');
    const env = (mode: string) => ({
      ...envFor(fx, home),
      PATH: `${fakeBin(fx.root)}:${envFor(fx, home).PATH ?? ''}`,
      FAKE_LOG: log,
      FAKE_MODE: mode,
    });
    const run = (mode: string) =>
      runProcess(
        process.execPath,
        [CLI, 'backfill', '--evaluator', 'claude', '--agent', 'codex', '--max-concurrency', '1'],
        { env: env(mode), cwd: fx.root },
      );

    const halted = await run('429');
    assert.equal(halted.code, 3, halted.stderr);
    assert.match(
      halted.stderr,
      /stopped: the claude evaluator is paused until \S+ after a usage or rate limit \(.*429.*\)\.\nRerun the same command after that time/,
    );
    assert.equal(fakeCalls(log).length, 1, 'no evaluator call after the 429');
    const ran = progressLines(halted.stdout).filter((l) => !l.includes(': skipped: '));
    assert.equal(ran.length, 1, halted.stdout);
    assert.match(ran[0] ?? '', /: 0 entries, 0 failed, [1-9]\d* waiting for the evaluator \(/);
    const skipped = codex.unlocated.length + 1;
    assert.ok(codex.located.length > 1, 'sessions left for the rerun');
    assert.match(
      halted.stdout,
      new RegExp(
        `\\(1 processed, 0 up to date, ${skipped} skipped, ${codex.located.length - 1} not started\\); 0 entries written, 0 windows failed, [1-9]\\d* waiting for the evaluator;`,
      ),
    );
    assert.equal(entries(fx).size, 0, 'the window waits for the evaluator; nothing written yet');
    const held = query<{ status: string; needs_eval: number }>(home, 'SELECT status, needs_eval FROM windows');
    assert.ok(
      held.length >= 1 && held.every((w) => w.status === 'closing' && w.needs_eval === 1),
      `the windows read so far are kept for the evaluator: ${JSON.stringify(held)}`,
    );
    assert.equal(query(home, "SELECT id FROM runs WHERE status != 'ok'").length, 0);

    // The pause has run out: the same command goes on where it stopped.
    const db = new Database(join(home, 'state.db'));
    db.prepare('UPDATE evaluator_backoff SET until = ?').run(new Date(Date.now() - 1000).toISOString());
    db.close();
    const resumed = await run('ok');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(
      progressLines(resumed.stdout).filter((l) => !l.includes(': skipped: ')).length,
      codex.located.length,
      resumed.stdout,
    );
    const written = [...entries(fx).values()].map(
      (l) => JSON.parse(l) as { evaluator?: string; transcript: { session_id: string } },
    );
    assert.equal(written.length, query(home, 'SELECT run_id FROM windows').length, 'one entry per window, none twice');
    const withWindows = query<{ session_id: string }>(
      home,
      'SELECT DISTINCT session_id FROM windows ORDER BY session_id',
    ).map((x) => x.session_id);
    assert.ok(withWindows.length > 1, 'sessions the first run never started wrote entries too');
    assert.deepEqual([...new Set(written.map((e) => e.transcript.session_id))].sort(), withWindows);
    assert.ok(
      written.every((e) => e.evaluator === 'claude'),
      'every entry from the evaluator, the held-back ones included',
    );
    assert.equal(query(home, "SELECT run_id FROM windows WHERE status != 'written'").length, 0);
  });

  it('an evaluator whose CLI is not installed stops the backfill before any run, with one message', async () => {
    const home = join(fx.root, 'state-no-cli');
    const before = outputs(fx);
    const r = await backfill(fx, home, ['--evaluator', 'codex', '--agent', 'codex']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /the codex evaluator is chosen, but no codex executable is on PATH/);
    assert.match(r.stderr, /--evaluator heuristic/);
    assert.equal(existsSync(join(home, 'state.db')) ? query(home, 'SELECT id FROM runs').length : 0, 0);
    assert.deepEqual(outputs(fx), before, 'no failure record, no entry, no devlog');
  });

  it('a second Ctrl-C during an evaluation leaves no evaluator process and no temporary folder behind', async () => {
    const home = join(fx.root, 'state-ctrl-c');
    const tmp = join(fx.root, 'tmp-ctrl-c');
    mkdirSync(tmp);
    const pids = join(fx.root, 'pids-ctrl-c');
    // An actor of its own: the fixture's repositories already hold the other tests' entries for
    // these sessions, and a session with entries resumes after them (nothing left to evaluate).
    const env = {
      ...envFor(fx, home),
      PATH: `${fakeBin(fx.root)}:${envFor(fx, home).PATH ?? ''}`,
      FAKE_MODE: 'hang',
      FAKE_PIDS: pids,
      TMPDIR: tmp,
      SHIPLOG_ACTOR: 'ctrl-c',
    };
    const child = spawn(
      process.execPath,
      [CLI, 'backfill', '--evaluator', 'codex', '--agent', 'codex', '--max-concurrency', '1'],
      { env, cwd: fx.root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const ended = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const started: number[] = [];
    try {
      for (let i = 0; i < 200 && !existsSync(pids); i++) await new Promise((r) => setTimeout(r, 50));
      started.push(...readFileSync(pids, 'utf8').trim().split(/\s+/).map(Number));
      assert.equal(started.length, 2, 'the fake codex and its helper are running');
      assert.equal(readdirSync(tmp).filter((n) => n.startsWith('shiplog-codex-')).length, 1);
      child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGINT');
      assert.equal(await ended, 130);
      // A killed process may stay a zombie until init reaps it: that one is gone all the same.
      const running = (pid: number) =>
        existsSync(`/proc/${pid}/stat`) && !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      for (let i = 0; i < 20 && started.some(running); i++) await new Promise((r) => setTimeout(r, 50));
      const alive = started
        .filter(running)
        .map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/stat`, 'utf8').slice(0, 60)}`);
      assert.deepEqual(alive, [], 'evaluator processes left running');
      assert.deepEqual(readdirSync(tmp), [], 'the throwaway CODEX_HOME (a copy of the login) is removed');
    } finally {
      for (const pid of started) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone: what the test asserts.
        }
      }
    }
  });

  it('a session whose run throws is counted as failed, the others still run, and the exit status is 1', async () => {
    const home = join(fx.root, 'state-broken');
    // The state database made directly: `shiplog status` would also start a background sweep,
    // which reads the broken session below a second time.
    openDb(home).close();
    const [brokenId, ...others] = failures;
    const broken = fx.sessions.find((s) => s.id === brokenId);
    assert.ok(broken);
    const db = new Database(join(home, 'state.db'));
    const at = new Date().toISOString();
    db.prepare(
      "INSERT INTO sessions (session_id, agent, transcript_path, adapter_state, created_at, updated_at) VALUES (?, 'claude-code', ?, '{not json', ?, ?)",
    ).run(broken.id, broken.path, at, at);
    db.close();

    const r = await backfill(fx, home, ['--repo', ws]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^\\[\\d+/${failures.length}\\] ${broken.id} claude-code: FAILED: .+$`, 'm'));
    assert.deepEqual(
      progressLines(r.stdout)
        .map((l) => l.split(' ')[1])
        .sort(),
      [...others].sort(),
      'the others on stdout',
    );
    assert.match(r.stdout, new RegExp(`\\(${others.length} processed, 0 up to date, 0 skipped, 1 failed\\)`));
    const runs = query<{ session_id: string; status: string }>(
      home,
      'SELECT session_id, status FROM runs ORDER BY session_id',
    );
    assert.deepEqual(
      runs.map((x) => `${x.session_id} ${x.status}`),
      [`${broken.id} error`, ...others.map((id) => `${id} ok`)].sort(),
    );
  });

  it('rejects bad option values with a hint', async () => {
    const home = join(fx.root, 'state-bad');
    for (const [args, message] of [
      [
        ['--agent', 'aider'],
        /unknown agent "aider"\nUse --agent claude \(or claude-code\), --agent codex, --agent gemini or --agent generic\./,
      ],
      [['--evaluator', 'gpt'], /unknown evaluator "gpt"/],
      [['--max-concurrency', '0'], /--max-concurrency must be a whole number from 1 to 64/],
      [['--since', 'yesterday'], /cannot read --since "yesterday"/],
      [['--repo', join(fx.root, 'nope')], /no such folder/],
    ] as const) {
      const r = await backfill(fx, home, [...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: a usage error`);
      assert.match(r.stderr, message);
    }
    const help = await backfill(fx, home, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: shiplog backfill/);
    assert.equal(existsSync(home), false, 'bad options and --help write nothing');
  });
});
