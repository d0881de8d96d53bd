import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { discoverTranscripts, isUpToDate, locateSessions } from '../../src/backfill/discover.js';
import { fakeBin, fakeCalls } from '../evaluator/fake-env.js';
import { CLAUDE_CORPUS, CLI, cleanup, CODEX_CORPUS, gitRepo, runProcess, tempDir, type ProcResult } from '../helpers.js';

type Agent = 'claude-code' | 'codex';

interface Session {
  id: string;
  agent: Agent;
  path: string;
  /** The working folder the transcript names, after the rewrite. */
  cwd: string;
}

interface Fixture {
  root: string;
  work: string;
  claudeDir: string;
  codexHome: string;
  sessions: Session[];
  /** Every working folder's copy: the original path under `work`. */
  folder: (original: string) => string;
}

const ROLLOUT_NAME = /^rollout-(\d{4})-(\d{2})-(\d{2})T\d{2}-\d{2}-\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jsonl$/;
const THREAD_ID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/;
/** Two days old: older than the idle time, so every copied session counts as finished. */
const PAST = new Date(Date.now() - 2 * 86_400_000);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.jsonl') ? [join(dir, e.name)] : []));
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Fake ~/.claude and ~/.codex holding a copy of every corpus transcript, laid out as the agents
 * lay them out. The working folders the transcripts name do not exist here, so each one is
 * re-created under `work/` (outermost folders as git repositories) and the copies are rewritten
 * to name those: `/home/marco/projects/spotter` becomes `<work>/home/marco/projects/spotter`.
 */
function buildFixture(root: string): Fixture {
  const work = join(root, 'work');
  const claudeDir = join(root, 'home', '.claude');
  const codexHome = join(root, 'home', '.codex');
  const corpus = [...walk(CLAUDE_CORPUS), ...walk(CODEX_CORPUS)];
  const cwds = new Set<string>();
  for (const file of corpus) for (const m of readFileSync(file, 'utf8').matchAll(/"cwd": ?"([^"]+)"/g)) if (m[1]) cwds.add(m[1]);
  const byLength = [...cwds].sort((a, b) => a.length - b.length);
  for (const cwd of byLength) {
    const nested = byLength.some((outer) => cwd.startsWith(`${outer}/`));
    if (nested) mkdirSync(work + cwd, { recursive: true });
    else gitRepo(work + cwd);
  }
  const pattern = new RegExp(`(?:${[...byLength].reverse().map(escapeRe).join('|')})(?![A-Za-z0-9_.-])`, 'g');
  const copy = (src: string, dest: string) => {
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, readFileSync(src, 'utf8').replace(pattern, (m) => work + m));
    utimesSync(dest, PAST, PAST);
  };
  const firstCwd = (file: string) => /"cwd": ?"([^"]+)"/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';

  const sessions: Session[] = [];
  for (const origin of readdirSync(CLAUDE_CORPUS)) {
    for (const src of walk(join(CLAUDE_CORPUS, origin))) {
      const rel = relative(join(CLAUDE_CORPUS, origin), src);
      const dest = join(claudeDir, 'projects', origin, rel);
      copy(src, dest);
      if (!rel.includes('/')) sessions.push({ id: rel.replace(/\.jsonl$/, ''), agent: 'claude-code', path: dest, cwd: firstCwd(dest) });
    }
  }
  let made = 0;
  for (const src of walk(CODEX_CORPUS)) {
    const name = src.split('/').pop() ?? '';
    const m = ROLLOUT_NAME.exec(name);
    // Hand-written samples get a rollout name of their own (they share a session_meta id).
    made += m ? 0 : 1;
    const fileName = m ? name : `rollout-2026-05-12T10-00-0${made}-00000000-0000-4000-8000-00000000000${made}.jsonl`;
    const dest = join(codexHome, 'sessions', m?.[1] ?? '2026', m?.[2] ?? '05', m?.[3] ?? '12', fileName);
    copy(src, dest);
    sessions.push({ id: THREAD_ID.exec(fileName)?.[1] ?? '', agent: 'codex', path: dest, cwd: firstCwd(dest) });
  }
  return { root, work, claudeDir, codexHome, sessions, folder: (original) => work + original };
}

function envFor(fx: Fixture, home: string): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(SHIPLOG_|CTX_|CHANGELOG_|XDG_|CLAUDE_CONFIG_DIR$|CODEX_HOME$)/.test(k)) base[k] = v;
  return {
    ...base,
    HOME: join(fx.root, 'home'),
    SHIPLOG_HOME: home,
    XDG_CONFIG_HOME: join(fx.root, 'xdg'),
    CLAUDE_CONFIG_DIR: fx.claudeDir,
    CODEX_HOME: fx.codexHome,
    // No claude or codex binary: nothing here may call a model.
    PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
  };
}

const backfill = (fx: Fixture, home: string, args: string[] = []): Promise<ProcResult> =>
  runProcess(process.execPath, [CLI, 'backfill', ...args], { env: envFor(fx, home), cwd: fx.root });

function query<T>(home: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(home, 'state.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Every file shiplog wrote into the working folders (.devlog/ and .changelog/), with its bytes. */
function outputs(fx: Fixture): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== '.git') visit(p);
      else if (e.isFile() && /\/\.(devlog|changelog)\//.test(p)) out.set(p, readFileSync(p, 'utf8'));
    }
  };
  visit(fx.work);
  return out;
}

/** run_id → the entry line, over every entries.jsonl; fails on a run_id written twice. */
function entries(fx: Fixture): Map<string, string> {
  const byRun = new Map<string, string>();
  for (const [path, text] of outputs(fx)) {
    if (!path.endsWith('/entries.jsonl')) continue;
    for (const line of text.split('\n').filter(Boolean)) {
      const runId = (JSON.parse(line) as { run_id: string }).run_id;
      assert.ok(!byRun.has(runId), `run_id ${runId} written twice`);
      byRun.set(runId, line);
    }
  }
  return byRun;
}

function removeOutputs(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name === '.git') continue;
    if (e.name === '.devlog' || e.name === '.changelog') rmSync(join(dir, e.name), { recursive: true });
    else removeOutputs(join(dir, e.name));
  }
}

const progressLines = (text: string) => text.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l));

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
    const meta = (source: unknown) => `${JSON.stringify({ timestamp: '2026-01-02T00:00:00Z', type: 'session_meta', payload: { id, cwd: '/x', source } })}\n`;
    put(join(codex, 'sessions', '2026', '01', '02', `rollout-2026-01-02T00-00-00-${id}.jsonl`), meta('cli') + meta('cli'));
    put(join(codex, 'archived_sessions', `rollout-2026-01-02T00-00-00-${id}.jsonl`), meta('cli'));
    const child = '019c0000-0000-7000-8000-000000000002';
    put(join(codex, 'sessions', '2026', '01', '02', `rollout-2026-01-02T00-00-01-${child}.jsonl`), meta({ subagent: { thread_spawn: { parent_thread_id: id } } }));
    put(join(codex, 'sessions', '2026', '01', '02', 'rollout-no-thread-id.jsonl'), meta('cli'));

    const found = discoverTranscripts({ agents: ['claude-code', 'codex'], claudeDir: claude, codexHome: codex, since: new Date(Date.now() - 30 * 86_400_000) });
    assert.deepEqual(found.transcripts.map((t) => [t.agent, t.sessionId]).sort(), [['claude-code', 'main-1'], ['codex', id]]);
    assert.equal(found.transcripts.find((t) => t.agent === 'codex')?.path.includes('/sessions/'), true, 'the larger (live) copy is kept');
    const reasons = new Map(found.skipped.map((s) => [s.sessionId, s.reason]));
    assert.match(reasons.get('bad id') ?? '', /not a usable session id/);
    assert.match(reasons.get('linked') ?? '', /symbolic link/);
    assert.match(reasons.get(id) ?? '', /another copy of this thread is larger/);
    assert.equal(found.skipped.length, 3);

    const all = discoverTranscripts({ agents: ['claude-code'], claudeDir: claude, codexHome: codex });
    assert.deepEqual(all.transcripts.map((t) => t.sessionId).sort(), ['main-1', 'old']);
  });

  it('skips sessions whose folder is gone, and keeps only those inside --repo', () => {
    const repo = join(root, 'repo');
    mkdirSync(join(repo, 'sub'), { recursive: true });
    const t = (sessionId: string) => ({ agent: 'claude-code' as const, sessionId, path: `/t/${sessionId}.jsonl`, size: 1, mtimeMs: 0 });
    const cwd: Record<string, string | null> = { inside: join(repo, 'sub'), top: repo, elsewhere: root, gone: join(root, 'gone'), unknown: null };
    const transcripts = Object.keys(cwd).map(t);
    const all = locateSessions(transcripts, { cwdOf: (x) => cwd[x.sessionId] ?? null });
    assert.deepEqual(all.sessions.map((s) => s.sessionId), ['inside', 'top', 'elsewhere']);
    assert.deepEqual(all.skipped.map((s) => [s.sessionId, s.reason]), [['gone', `working folder ${join(root, 'gone')} no longer exists`], ['unknown', 'the transcript names no working folder']]);
    const scoped = locateSessions(transcripts, { repo, cwdOf: (x) => cwd[x.sessionId] ?? null });
    assert.deepEqual(scoped.sessions.map((s) => s.sessionId), ['inside', 'top']);
    assert.deepEqual(scoped.skipped, []);
  });

  it('a session is up to date only when fully read, with nothing pending, and its window closed or still live', () => {
    const t = { path: '/t/a.jsonl', size: 100 };
    const closed = { transcript_path: t.path, offset: 100, window_state: JSON.stringify({ cur: null }) };
    const open = { ...closed, window_state: JSON.stringify({ cur: { startSeq: 0 } }) };
    assert.equal(isUpToDate(closed, t, { idle: true, unwrittenWindows: 0 }), true);
    assert.equal(isUpToDate(open, t, { idle: false, unwrittenWindows: 0 }), true, 'a live session keeps its window open');
    assert.equal(isUpToDate(open, t, { idle: true, unwrittenWindows: 0 }), false, 'an idle one gets it closed');
    assert.equal(isUpToDate(closed, t, { idle: true, unwrittenWindows: 1 }), false);
    assert.equal(isUpToDate({ ...closed, offset: 90 }, t, { idle: true, unwrittenWindows: 0 }), false);
    assert.equal(isUpToDate({ ...closed, transcript_path: '/t/b.jsonl' }, t, { idle: true, unwrittenWindows: 0 }), false);
    assert.equal(isUpToDate(null, t, { idle: false, unwrittenWindows: 0 }), false);
  });
});

describe('shiplog backfill over the whole corpus', () => {
  let fx: Fixture;
  const home = () => join(fx.root, 'state');
  let firstEntries: Map<string, string>;
  before(() => (fx = buildFixture(tempDir())));
  after(() => cleanup(fx.root));

  it('the fixture holds every corpus transcript: 10 Claude Code sessions (plus 2 subagent files) and 11 Codex rollouts', () => {
    assert.equal(fx.sessions.filter((s) => s.agent === 'claude-code').length, 10);
    assert.equal(walk(fx.claudeDir).length, 12);
    assert.equal(fx.sessions.filter((s) => s.agent === 'codex').length, 11);
    assert.equal(new Set(fx.sessions.map((s) => s.id)).size, 21);
    for (const s of fx.sessions) assert.ok(existsSync(s.cwd), `${s.id}: ${s.cwd}`);
  });

  it('--dry-run lists what it would read and writes nothing', async () => {
    const r = await backfill(fx, home(), ['--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    for (const s of fx.sessions) assert.match(r.stdout, new RegExp(`^${s.id} ${s.agent}: would read [\\d.]+ [KM]?B of ${escapeRe(s.path)}$`, 'm'));
    assert.match(r.stdout, /^dry run: 21 sessions: 21 to process \(.+ to read\), 0 up to date, 0 skipped; nothing was written$/m);
    assert.equal(existsSync(home()), false, 'no state folder');
    assert.deepEqual([...outputs(fx).keys()], []);
    const later = await backfill(fx, home(), ['--dry-run', '--since', '1d']);
    assert.match(later.stdout, /^No sessions found in .+\/projects or .+\/sessions \(modified since .+\); nothing to do\.$/m, 'every copy is two days old');
  });

  it('processes every session once, one progress line each and a summary', async () => {
    const r = await backfill(fx, home());
    assert.equal(r.code, 0, r.stderr);
    const lines = progressLines(r.stdout);
    assert.equal(lines.length, 21, r.stdout);
    lines.forEach((l, i) => assert.match(l, new RegExp(`^\\[${i + 1}/21\\] \\S+ (claude-code|codex): \\d+ entr(y|ies), 0 failed \\([\\d.]+ [KM]?B\\)$`)));
    for (const s of fx.sessions) assert.equal(lines.filter((l) => l.includes(` ${s.id} ${s.agent}:`)).length, 1, s.id);
    const summary = /^backfill: 21 sessions \(21 processed, 0 up to date, 0 skipped\); (\d+) entries written, 0 windows failed; read .+ in [\d.]+ s$/m.exec(r.stdout);
    assert.ok(summary, r.stdout);

    const rows = query<{ session_id: string; agent: string }>(home(), 'SELECT session_id, agent FROM sessions');
    assert.deepEqual(rows.map((x) => `${x.agent} ${x.session_id}`).sort(), fx.sessions.map((s) => `${s.agent} ${s.id}`).sort());
    const runs = query<{ session_id: string; trigger: string; status: string }>(home(), 'SELECT session_id, trigger, status FROM runs');
    assert.equal(runs.length, 21);
    assert.deepEqual(runs.map((x) => x.session_id).sort(), fx.sessions.map((s) => s.id).sort());
    for (const run of runs) assert.deepEqual([run.trigger, run.status], ['backfill', 'ok']);
    firstEntries = entries(fx);
    assert.equal(firstEntries.size, Number(summary[1]));
    assert.ok(firstEntries.size >= 21, `${firstEntries.size} entries`);
    const windowsOpen = query<{ n: number }>(home(), "SELECT COUNT(*) AS n FROM sessions WHERE json_extract(window_state, '$.cur') IS NOT NULL");
    assert.equal(windowsOpen[0]?.n, 0, 'finished sessions have their windows closed');
  });

  it('a second run finds every session up to date, runs nothing and changes no file', async () => {
    const before = outputs(fx);
    const r = await backfill(fx, home());
    assert.equal(r.code, 0, r.stderr);
    const lines = progressLines(r.stdout);
    assert.equal(lines.length, 21);
    for (const l of lines) assert.match(l, /: up to date$/);
    assert.match(r.stdout, /^backfill: 21 sessions \(0 processed, 21 up to date, 0 skipped\); 0 entries written/m);
    assert.equal(query(home(), 'SELECT id FROM runs').length, 21, 'no new run rows');
    assert.deepEqual(outputs(fx), before);
  });

  it('a run killed after its first session, then rerun, ends with exactly the entries of an uninterrupted run', async () => {
    assert.ok(firstEntries && firstEntries.size > 0);
    removeOutputs(fx.work);
    const home2 = join(fx.root, 'state-2');
    const child = spawn(process.execPath, [CLI, 'backfill', '--max-concurrency', '1'], { env: envFor(fx, home2), cwd: fx.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (progressLines(out).length > 0) child.kill('SIGKILL');
    });
    assert.equal(await ended, 'SIGKILL');
    const done = progressLines(out).length;
    assert.ok(done >= 1 && done < 21, out);

    const r = await backfill(fx, home2);
    assert.equal(r.code, 0, r.stderr);
    const lines = progressLines(r.stdout);
    assert.equal(lines.length, 21);
    assert.ok(lines.filter((l) => l.endsWith(': up to date')).length >= done, r.stdout);
    assert.deepEqual(entries(fx), firstEntries);
    assert.equal(query(home2, "SELECT id FROM runs WHERE status = 'running'").length <= 1, true, 'only the killed run is left unfinished');
    const again = await backfill(fx, home2, ['--json']);
    const summary = JSON.parse(again.stdout) as { up_to_date: number; processed: number };
    assert.deepEqual([summary.up_to_date, summary.processed], [21, 0]);
  });

  it('Ctrl-C (SIGINT) lets the session in flight finish, exits 130, and the rerun completes the same entries', async () => {
    removeOutputs(fx.work);
    const home3 = join(fx.root, 'state-3');
    const child = spawn(process.execPath, [CLI, 'backfill', '--max-concurrency', '1'], { env: envFor(fx, home3), cwd: fx.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let sent = false;
    const ended = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!sent && progressLines(out).length > 0) sent = child.kill('SIGINT');
    });
    assert.equal(await ended, 130, err);
    assert.match(err, /interrupted; rerun the same command to continue/);
    const done = progressLines(out).length;
    assert.ok(done < 21, out);
    assert.match(out, new RegExp(`^backfill: 21 sessions \\(${done} processed, 0 up to date, 0 skipped, ${21 - done} not started\\)`, 'm'));
    assert.equal(query(home3, "SELECT id FROM runs WHERE status != 'ok'").length, 0, 'every run that started, finished');

    const r = await backfill(fx, home3);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(progressLines(r.stdout).filter((l) => l.endsWith(': up to date')).length, done);
    assert.deepEqual(entries(fx), firstEntries);
  });
});

describe('shiplog backfill filters and pauses', () => {
  let fx: Fixture;
  let gone: string;
  before(() => {
    fx = buildFixture(tempDir());
    // A session whose working folder has been deleted since.
    const src = fx.sessions.find((s) => s.path.endsWith('-00000000-0000-4000-8000-000000000001.jsonl'));
    assert.ok(src);
    gone = join(fx.root, 'deleted-project');
    const dest = join(fx.codexHome, 'sessions', '2026', '05', '13', 'rollout-2026-05-13T10-00-00-00000000-0000-4000-8000-0000000000aa.jsonl');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, readFileSync(src.path, 'utf8').replaceAll(src.cwd, gone));
    utimesSync(dest, PAST, PAST);
  });
  after(() => cleanup(fx.root));

  it('--agent codex touches Codex sessions only, and reports a session whose folder is gone as skipped', async () => {
    const home = join(fx.root, 'state-codex');
    const r = await backfill(fx, home, ['--agent', 'codex', '--max-concurrency', '4']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(progressLines(r.stdout).length, 12);
    assert.match(r.stdout, new RegExp(`^\\[\\d+/12\\] 00000000-0000-4000-8000-0000000000aa codex: skipped: working folder ${escapeRe(gone)} no longer exists$`, 'm'));
    const codexIds = fx.sessions.filter((s) => s.agent === 'codex').map((s) => s.id).sort();
    assert.equal(query(home, 'SELECT id FROM runs').length, 11, 'four at a time, each session still runs once');
    entries(fx);
    assert.deepEqual(query<{ session_id: string }>(home, 'SELECT session_id FROM sessions ORDER BY session_id').map((x) => x.session_id), codexIds);
    assert.deepEqual(query<{ session_id: string }>(home, 'SELECT DISTINCT session_id FROM runs ORDER BY session_id').map((x) => x.session_id), codexIds);
    for (const s of fx.sessions.filter((x) => x.agent === 'claude-code')) assert.equal(existsSync(join(s.cwd, '.changelog')), false, s.cwd);
  });

  it('--repo keeps the sessions whose working folder is inside it; a live session keeps its window open', async () => {
    const home = join(fx.root, 'state-repo');
    const spotter = fx.folder('/home/marco/projects/spotter');
    const live = fx.sessions.find((s) => s.id === 'tool_heavy');
    assert.ok(live);
    const now = new Date();
    utimesSync(live.path, now, now);
    const r = await backfill(fx, home, ['--repo', spotter]);
    assert.equal(r.code, 0, r.stderr);
    const expected = fx.sessions.filter((s) => s.cwd === spotter).map((s) => s.id).sort();
    assert.deepEqual(expected, ['short', 'subagent', 'tool_heavy']);
    assert.deepEqual(query<{ session_id: string }>(home, 'SELECT session_id FROM runs ORDER BY session_id').map((x) => x.session_id), expected);
    assert.equal(progressLines(r.stdout).length, 3);
    const open = query<{ session_id: string }>(home, "SELECT session_id FROM sessions WHERE json_extract(window_state, '$.cur') IS NOT NULL");
    assert.deepEqual(open.map((x) => x.session_id), ['tool_heavy'], 'its hooks close it, not the backfill');
    const again = await backfill(fx, home, ['--repo', spotter]);
    assert.equal(progressLines(again.stdout).filter((l) => l.endsWith(': up to date')).length, 3, again.stdout);
    assert.equal(query(home, 'SELECT id FROM runs').length, 3);
    utimesSync(live.path, PAST, PAST);
    const demo = await backfill(fx, home, ['--repo', join(fx.folder('/path/to/Demo'), 'todo-app'), '--dry-run']);
    assert.match(demo.stdout, /^No sessions found in .+ \(working in .+\/todo-app\); nothing to do\.$/m, 'a session started in Demo/ is not inside Demo/todo-app');
  });

  it('stops with exit 3 and says until when, without running anything, while the evaluator is paused', async () => {
    const home = join(fx.root, 'state-paused');
    const status = await runProcess(process.execPath, [CLI, 'status'], { env: envFor(fx, home) });
    assert.equal(status.code, 0, status.stderr);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const db = new Database(join(home, 'state.db'));
    db.prepare('INSERT INTO evaluator_backoff (evaluator, until, reason, message, set_at) VALUES (?, ?, ?, ?, ?)').run('claude', until, 'rate_limit', 'usage limit reached', new Date().toISOString());
    db.close();

    const r = await backfill(fx, home, ['--evaluator', 'claude', '--agent', 'codex']);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(r.stderr.includes(`the claude evaluator is paused until ${until} after a usage or rate limit (usage limit reached)`), r.stderr);
    assert.match(r.stderr, /Rerun the same command after that time to continue where this run stopped\. Nothing is lost/);
    assert.equal(query(home, 'SELECT id FROM runs').length, 0);
    assert.equal(query(home, 'SELECT session_id FROM sessions').length, 0);
    assert.match(r.stdout, /11 not started/);
    // The heuristic calls no model: the pause does not concern it.
    const dry = await backfill(fx, home, ['--evaluator', 'heuristic', '--agent', 'codex', '--dry-run']);
    assert.equal(dry.stderr, '');
  });

  it('halts on a 429 from the evaluator mid-run, says how to resume, and the rerun after the pause writes every entry once', async () => {
    removeOutputs(fx.work);
    const home = join(fx.root, 'state-429');
    const log = join(fx.root, 'calls-429.jsonl');
    const env = (mode: string) => ({ ...envFor(fx, home), PATH: `${fakeBin(fx.root)}:${envFor(fx, home).PATH ?? ''}`, FAKE_LOG: log, FAKE_MODE: mode });
    const run = (mode: string) => runProcess(process.execPath, [CLI, 'backfill', '--evaluator', 'claude', '--agent', 'codex', '--max-concurrency', '1'], { env: env(mode), cwd: fx.root });

    const halted = await run('429');
    assert.equal(halted.code, 3, halted.stderr);
    assert.match(halted.stderr, /stopped: the claude evaluator is paused until \S+ after a usage or rate limit \(.*429.*\)\.\nRerun the same command after that time/);
    assert.equal(fakeCalls(log).length, 1, 'no evaluator call after the 429');
    const ran = progressLines(halted.stdout).filter((l) => !l.includes(': skipped: '));
    assert.equal(ran.length, 1, halted.stdout);
    assert.match(ran[0] ?? '', /: 0 entries, 0 failed, [1-9]\d* waiting for the evaluator \(/);
    assert.match(halted.stdout, /\(1 processed, 0 up to date, 1 skipped, 10 not started\); 0 entries written, 0 windows failed, [1-9]\d* waiting for the evaluator;/);
    assert.equal(entries(fx).size, 0, 'the window waits for the evaluator; nothing written yet');
    const held = query<{ status: string; needs_eval: number }>(home, 'SELECT status, needs_eval FROM windows');
    assert.ok(held.length >= 1 && held.every((w) => w.status === 'closing' && w.needs_eval === 1), `the windows read so far are kept for the evaluator: ${JSON.stringify(held)}`);
    assert.equal(query(home, "SELECT id FROM runs WHERE status != 'ok'").length, 0);

    // The pause has run out: the same command goes on where it stopped.
    const db = new Database(join(home, 'state.db'));
    db.prepare('UPDATE evaluator_backoff SET until = ?').run(new Date(Date.now() - 1000).toISOString());
    db.close();
    const resumed = await run('ok');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(progressLines(resumed.stdout).filter((l) => !l.includes(': skipped: ')).length, 11, resumed.stdout);
    const written = [...entries(fx).values()].map((l) => JSON.parse(l) as { evaluator?: string; transcript: { session_id: string } });
    assert.equal(written.length, query(home, 'SELECT run_id FROM windows').length, 'one entry per window, none twice');
    const withWindows = query<{ session_id: string }>(home, 'SELECT DISTINCT session_id FROM windows ORDER BY session_id').map((x) => x.session_id);
    assert.ok(withWindows.length > 1, 'sessions the first run never started wrote entries too');
    assert.deepEqual([...new Set(written.map((e) => e.transcript.session_id))].sort(), withWindows);
    assert.ok(written.every((e) => e.evaluator === 'claude'), 'every entry from the evaluator, the held-back ones included');
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
    const env = { ...envFor(fx, home), PATH: `${fakeBin(fx.root)}:${envFor(fx, home).PATH ?? ''}`, FAKE_MODE: 'hang', FAKE_PIDS: pids, TMPDIR: tmp, SHIPLOG_ACTOR: 'ctrl-c' };
    const child = spawn(process.execPath, [CLI, 'backfill', '--evaluator', 'codex', '--agent', 'codex', '--max-concurrency', '1'], { env, cwd: fx.root, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const running = (pid: number) => existsSync(`/proc/${pid}/stat`) && !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      for (let i = 0; i < 20 && started.some(running); i++) await new Promise((r) => setTimeout(r, 50));
      const alive = started.filter(running).map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/stat`, 'utf8').slice(0, 60)}`);
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
    const status = await runProcess(process.execPath, [CLI, 'status'], { env: envFor(fx, home) });
    assert.equal(status.code, 0, status.stderr);
    const broken = fx.sessions.find((s) => s.id === 'short');
    assert.ok(broken);
    const db = new Database(join(home, 'state.db'));
    const at = new Date().toISOString();
    db.prepare("INSERT INTO sessions (session_id, agent, transcript_path, adapter_state, created_at, updated_at) VALUES (?, 'claude-code', ?, '{not json', ?, ?)").run(broken.id, broken.path, at, at);
    db.close();

    const r = await backfill(fx, home, ['--repo', fx.folder('/home/marco/projects/spotter')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^\[\d\/3\] short claude-code: FAILED: .+$/m);
    assert.equal(progressLines(r.stdout).length, 2, 'the other two on stdout');
    assert.match(r.stdout, /\(2 processed, 0 up to date, 0 skipped, 1 failed\)/);
    const runs = query<{ session_id: string; status: string }>(home, 'SELECT session_id, status FROM runs ORDER BY session_id');
    assert.deepEqual(runs.map((x) => `${x.session_id} ${x.status}`), ['short error', 'subagent ok', 'tool_heavy ok']);
  });

  it('rejects bad option values with a hint', async () => {
    const home = join(fx.root, 'state-bad');
    for (const [args, message] of [
      [['--agent', 'gemini'], /unknown agent "gemini"\nUse --agent claude \(or claude-code\) or --agent codex/],
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
