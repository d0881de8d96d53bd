import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  claudeTranscripts,
  CLI,
  cleanup,
  codexRollouts,
  gitRepo,
  runProcess,
  tempDir,
  type ProcResult,
} from '../helpers.js';

/**
 * A fake ~/.claude and ~/.codex built from folders of real transcripts (the recorded fixtures in
 * `npm test`, the public corpus in `npm run test:corpus`), and `describeBackfillWorld`, the
 * backfill checks run over such a world. Nothing here names a source: the caller passes it.
 */

type Agent = 'claude-code' | 'codex';

export interface Session {
  id: string;
  agent: Agent;
  path: string;
  /** The first working folder the transcript names, after the rewrite; null when it names none (backfill skips it). */
  cwd: string | null;
}

/** Where the transcripts come from: Claude Code's `<project>/<session>.jsonl` (subagents under `<session>/subagents/`), and Codex rollouts (any file names). */
export interface Sources {
  claude: string;
  codex: string;
}

export interface Fixture {
  root: string;
  work: string;
  claudeDir: string;
  codexHome: string;
  sessions: Session[];
  /** Every working folder's copy: the original path under `work`. */
  folder: (original: string) => string;
}

const ROLLOUT_NAME =
  /^rollout-(\d{4})-(\d{2})-(\d{2})T\d{2}-\d{2}-\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jsonl$/;
const THREAD_ID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/;
/** Two days old: older than the idle time, so every copied session counts as finished. */
export const PAST = new Date(Date.now() - 2 * 86_400_000);
/** What backfill says of a transcript that names no working folder. */
export const NO_CWD = 'the transcript names no working folder';

/** Every `.jsonl` file under `dir`, subagent transcripts included. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.jsonl') ? [join(dir, e.name)] : [],
  );
}

/** Every regular file under `dir`, whatever its name (subagents' `.meta.json` beside their transcripts). */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const firstCwd = (file: string) => /"cwd": ?"([^"]+)"/.exec(readFileSync(file, 'utf8'))?.[1] ?? null;

/**
 * Fake ~/.claude and ~/.codex holding a copy of every transcript under `sources`, laid out as the
 * agents lay them out (a Claude Code source folder's subfolders play the part of project folders).
 * The working folders the transcripts name do not exist here, so each one is re-created under
 * `work/` (outermost folders as git repositories) and the copies are rewritten to name those:
 * `/tmp/x/ws` becomes `<work>/tmp/x/ws`.
 */
export function buildFixture(root: string, sources: Sources): Fixture {
  const work = join(root, 'work');
  const claudeDir = join(root, 'home', '.claude');
  const codexHome = join(root, 'home', '.codex');
  const claudeFiles = allFiles(sources.claude).filter((f) => relative(sources.claude, f).includes('/'));
  const rollouts = codexRollouts(sources.codex);
  const cwds = new Set<string>();
  for (const file of [...claudeFiles, ...rollouts])
    for (const m of readFileSync(file, 'utf8').matchAll(/"cwd": ?"([^"]+)"/g)) if (m[1]) cwds.add(m[1]);
  const byLength = [...cwds].sort((a, b) => a.length - b.length);
  for (const cwd of byLength) {
    const nested = byLength.some((outer) => cwd.startsWith(`${outer}/`));
    if (nested) mkdirSync(work + cwd, { recursive: true });
    else gitRepo(work + cwd);
  }
  const pattern =
    byLength.length === 0
      ? null
      : new RegExp(`(?:${[...byLength].reverse().map(escapeRe).join('|')})(?![A-Za-z0-9_.-])`, 'g');
  const copy = (src: string, dest: string) => {
    mkdirSync(dirname(dest), { recursive: true });
    const text = readFileSync(src, 'utf8');
    writeFileSync(dest, pattern ? text.replace(pattern, (m) => work + m) : text);
    utimesSync(dest, PAST, PAST);
  };

  const sessions: Session[] = [];
  const mains = new Set(claudeTranscripts(sources.claude));
  for (const src of claudeFiles) {
    const dest = join(claudeDir, 'projects', relative(sources.claude, src));
    copy(src, dest);
    if (mains.has(src))
      sessions.push({
        id:
          src
            .split('/')
            .pop()
            ?.replace(/\.jsonl$/, '') ?? '',
        agent: 'claude-code',
        path: dest,
        cwd: firstCwd(dest),
      });
  }
  let made = 0;
  for (const src of rollouts) {
    const name = src.split('/').pop() ?? '';
    const m = ROLLOUT_NAME.exec(name);
    // Files under other names (hand-written samples, recorded fixtures) get a rollout name of their own.
    made += m ? 0 : 1;
    const fileName = m
      ? name
      : `rollout-2026-05-12T10-00-${String(made % 60).padStart(2, '0')}-00000000-0000-4000-8000-${String(made).padStart(12, '0')}.jsonl`;
    const dest = join(codexHome, 'sessions', m?.[1] ?? '2026', m?.[2] ?? '05', m?.[3] ?? '12', fileName);
    copy(src, dest);
    sessions.push({ id: THREAD_ID.exec(fileName)?.[1] ?? '', agent: 'codex', path: dest, cwd: firstCwd(dest) });
  }
  return { root, work, claudeDir, codexHome, sessions, folder: (original) => work + original };
}

/** The sessions backfill runs (their transcript names a working folder), and those it skips for naming none. */
export function located(sessions: Session[]): Session[] {
  return sessions.filter((s) => s.cwd !== null);
}

export function unlocated(sessions: Session[]): Session[] {
  return sessions.filter((s) => s.cwd === null);
}

export function envFor(fx: Fixture, home: string): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(SHIPLOG_|CTX_|CHANGELOG_|XDG_|CLAUDE_CONFIG_DIR$|CODEX_HOME$)/.test(k)) base[k] = v;
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

export const backfill = (fx: Fixture, home: string, args: string[] = []): Promise<ProcResult> =>
  runProcess(process.execPath, [CLI, 'backfill', ...args], { env: envFor(fx, home), cwd: fx.root });

export function query<T>(home: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(home, 'state.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Every file shiplog wrote into the working folders (.devlog/ and .changelog/), with its bytes. */
export function outputs(fx: Fixture): Map<string, string> {
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
export function entries(fx: Fixture): Map<string, string> {
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

export function removeOutputs(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name === '.git') continue;
    if (e.name === '.devlog' || e.name === '.changelog') rmSync(join(dir, e.name), { recursive: true });
    else removeOutputs(join(dir, e.name));
  }
}

export const progressLines = (text: string) => text.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l));
/** The progress lines of sessions that ran (skipped ones are reported first, before any run). */
export const runLines = (text: string) => progressLines(text).filter((l) => !l.includes(': skipped: '));

/**
 * `shiplog backfill` over every transcript under `sources`: each count is the fixture's own
 * (sessions by agent, and those whose transcript names no working folder, which are skipped).
 */
export function describeBackfillWorld(title: string, sources: Sources): void {
  const claudeSessions = claudeTranscripts(sources.claude).length;
  const claudeFiles = walk(sources.claude).length;
  const codexSessions = codexRollouts(sources.codex).length;
  const total = claudeSessions + codexSessions;

  describe(title, () => {
    let fx: Fixture;
    /** Sessions backfill runs (L) and skips (U): L + U = total. */
    let L: number;
    let U: number;
    const home = () => join(fx.root, 'state');
    let firstEntries: Map<string, string>;
    before(() => {
      fx = buildFixture(tempDir(), sources);
      L = located(fx.sessions).length;
      U = unlocated(fx.sessions).length;
    });
    after(() => cleanup(fx.root));

    it(`the fixture holds every transcript: ${claudeSessions} Claude Code sessions (plus ${claudeFiles - claudeSessions} subagent file${claudeFiles - claudeSessions === 1 ? '' : 's'}) and ${codexSessions} Codex rollouts`, () => {
      assert.ok(
        claudeSessions > 0 && codexSessions > 0,
        `${sources.claude}, ${sources.codex}: transcripts of both agents`,
      );
      assert.equal(fx.sessions.filter((s) => s.agent === 'claude-code').length, claudeSessions);
      assert.equal(walk(fx.claudeDir).length, claudeFiles);
      assert.equal(fx.sessions.filter((s) => s.agent === 'codex').length, codexSessions);
      assert.equal(new Set(fx.sessions.map((s) => s.id)).size, total);
      assert.ok(L > 0, 'some session names its working folder');
      for (const s of located(fx.sessions)) assert.ok(s.cwd !== null && existsSync(s.cwd), `${s.id}: ${s.cwd}`);
    });

    it('--dry-run lists what it would read and writes nothing', async () => {
      const r = await backfill(fx, home(), ['--dry-run']);
      assert.equal(r.code, 0, r.stderr);
      for (const s of located(fx.sessions))
        assert.match(
          r.stdout,
          new RegExp(`^${s.id} ${s.agent}: would read [\\d.]+ [KM]?B of ${escapeRe(s.path)}$`, 'm'),
        );
      for (const s of unlocated(fx.sessions))
        assert.match(r.stdout, new RegExp(`^${s.id} ${s.agent}: skipped: ${NO_CWD} \\(${escapeRe(s.path)}\\)$`, 'm'));
      assert.match(
        r.stdout,
        new RegExp(
          `^dry run: ${total} sessions: ${L} to process \\(.+ to read\\), 0 up to date, ${U} skipped; nothing was written$`,
          'm',
        ),
      );
      assert.equal(existsSync(home()), false, 'no state folder');
      assert.deepEqual([...outputs(fx).keys()], []);
      const later = await backfill(fx, home(), ['--dry-run', '--since', '1d']);
      assert.match(
        later.stdout,
        /^No sessions found in .+\/projects or .+\/sessions or .+\/\.gemini\/tmp \(modified since .+\); nothing to do\.$/m,
        'every copy is two days old',
      );
    });

    it('processes every session once, one progress line each and a summary', async () => {
      const r = await backfill(fx, home());
      assert.equal(r.code, 0, r.stderr);
      const lines = progressLines(r.stdout);
      assert.equal(lines.length, total, r.stdout);
      // The skipped ones first, then one line per run.
      for (const [i, l] of lines.slice(0, U).entries())
        assert.match(l, new RegExp(`^\\[${i + 1}/${total}\\] \\S+ (claude-code|codex): skipped: ${NO_CWD}$`));
      for (const [i, l] of lines.slice(U).entries())
        assert.match(
          l,
          new RegExp(
            `^\\[${U + i + 1}/${total}\\] \\S+ (claude-code|codex): \\d+ entr(y|ies), 0 failed \\([\\d.]+ [KM]?B\\)$`,
          ),
        );
      for (const s of fx.sessions)
        assert.equal(lines.filter((l) => l.includes(` ${s.id} ${s.agent}:`)).length, 1, s.id);
      for (const s of unlocated(fx.sessions))
        assert.equal(lines.filter((l) => l.includes(` ${s.id} ${s.agent}: skipped: `)).length, 1, s.id);
      const summary = new RegExp(
        `^backfill: ${total} sessions \\(${L} processed, 0 up to date, ${U} skipped\\); (\\d+) entr(?:y|ies) written, 0 windows failed; read .+ in [\\d.]+ s$`,
        'm',
      ).exec(r.stdout);
      assert.ok(summary, r.stdout);

      const rows = query<{ session_id: string; agent: string }>(home(), 'SELECT session_id, agent FROM sessions');
      assert.deepEqual(
        rows.map((x) => `${x.agent} ${x.session_id}`).sort(),
        located(fx.sessions)
          .map((s) => `${s.agent} ${s.id}`)
          .sort(),
      );
      const runs = query<{ session_id: string; trigger: string; status: string }>(
        home(),
        'SELECT session_id, trigger, status FROM runs',
      );
      assert.equal(runs.length, L);
      assert.deepEqual(
        runs.map((x) => x.session_id).sort(),
        located(fx.sessions)
          .map((s) => s.id)
          .sort(),
      );
      for (const run of runs) assert.deepEqual([run.trigger, run.status], ['backfill', 'ok']);
      firstEntries = entries(fx);
      assert.equal(firstEntries.size, Number(summary[1]));
      const perLine = lines.slice(U).reduce((n, l) => n + Number(/: (\d+) entr/.exec(l)?.[1]), 0);
      assert.equal(perLine, firstEntries.size, 'the lines add up to the entries written');
      // Every session that ran gets an entry, except a session of chat alone (chat_only = drop):
      // its devlog shows no tool use.
      const devlogs = [...outputs(fx)].filter(([path]) => path.includes('/.devlog/sessions/'));
      for (const s of located(fx.sessions)) {
        if (!lines.some((l) => l.includes(` ${s.id} ${s.agent}: 0 entries`))) continue;
        const devlog = devlogs.find(([path]) => path.endsWith(`/${s.id}.json`))?.[1] ?? '';
        assert.doesNotMatch(devlog, /"tool_summary"|"subagent"/, `${s.id} wrote no entry, yet used tools`);
      }
      const windowsOpen = query<{ n: number }>(
        home(),
        "SELECT COUNT(*) AS n FROM sessions WHERE json_extract(window_state, '$.cur') IS NOT NULL",
      );
      assert.equal(windowsOpen[0]?.n, 0, 'finished sessions have their windows closed');
    });

    it('a second run finds every session up to date, runs nothing and changes no file', async () => {
      const before = outputs(fx);
      const r = await backfill(fx, home());
      assert.equal(r.code, 0, r.stderr);
      const lines = progressLines(r.stdout);
      assert.equal(lines.length, total);
      for (const l of lines.slice(0, U)) assert.match(l, new RegExp(`: skipped: ${NO_CWD}$`));
      for (const l of lines.slice(U)) assert.match(l, /: up to date$/);
      assert.match(
        r.stdout,
        new RegExp(
          `^backfill: ${total} sessions \\(0 processed, ${L} up to date, ${U} skipped\\); 0 entries written`,
          'm',
        ),
      );
      assert.equal(query(home(), 'SELECT id FROM runs').length, L, 'no new run rows');
      assert.deepEqual(outputs(fx), before);
    });

    it('a run killed after its first session, then rerun, ends with exactly the entries of an uninterrupted run', async () => {
      assert.ok(firstEntries && firstEntries.size > 0);
      removeOutputs(fx.work);
      const home2 = join(fx.root, 'state-2');
      const child = spawn(process.execPath, [CLI, 'backfill', '--max-concurrency', '1'], {
        env: envFor(fx, home2),
        cwd: fx.root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const ended = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('close', (_code, signal) => resolve(signal)),
      );
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (runLines(out).length > 0) child.kill('SIGKILL');
      });
      assert.equal(await ended, 'SIGKILL');
      const done = runLines(out).length;
      assert.ok(done >= 1 && done < L, out);

      const r = await backfill(fx, home2);
      assert.equal(r.code, 0, r.stderr);
      const lines = progressLines(r.stdout);
      assert.equal(lines.length, total);
      assert.ok(lines.filter((l) => l.endsWith(': up to date')).length >= done, r.stdout);
      assert.deepEqual(entries(fx), firstEntries);
      assert.equal(
        query(home2, "SELECT id FROM runs WHERE status = 'running'").length <= 1,
        true,
        'only the killed run is left unfinished',
      );
      const again = await backfill(fx, home2, ['--json']);
      const summary = JSON.parse(again.stdout) as { up_to_date: number; processed: number; skipped: number };
      assert.deepEqual([summary.up_to_date, summary.processed, summary.skipped], [L, 0, U]);
    });

    it('Ctrl-C (SIGINT) lets the session in flight finish, exits 130, and the rerun completes the same entries', async () => {
      removeOutputs(fx.work);
      const home3 = join(fx.root, 'state-3');
      const child = spawn(process.execPath, [CLI, 'backfill', '--max-concurrency', '1'], {
        env: envFor(fx, home3),
        cwd: fx.root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      let sent = false;
      const ended = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!sent && runLines(out).length > 0) sent = child.kill('SIGINT');
      });
      assert.equal(await ended, 130, err);
      assert.match(err, /interrupted; rerun the same command to continue/);
      const done = runLines(out).length;
      assert.ok(done >= 1 && done < L, out);
      assert.match(
        out,
        new RegExp(
          `^backfill: ${total} sessions \\(${done} processed, 0 up to date, ${U} skipped, ${L - done} not started\\)`,
          'm',
        ),
      );
      assert.equal(
        query(home3, "SELECT id FROM runs WHERE status != 'ok'").length,
        0,
        'every run that started, finished',
      );

      const r = await backfill(fx, home3);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(progressLines(r.stdout).filter((l) => l.endsWith(': up to date')).length, done);
      assert.deepEqual(entries(fx), firstEntries);
    });
  });
}
