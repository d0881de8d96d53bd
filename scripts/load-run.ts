// Load run: N sessions × M turns fired by real hook processes, with bounded parallelism, into ONE
// repository; each session's synthetic transcript grows by a turn before each Stop, and ends with
// SessionEnd. Then the same final transcripts are recorded by a clean sequential run (one
// SessionEnd each, one at a time, no lingering) and the outputs are compared.
//
//   node --import tsx scripts/load-run.ts [--sessions 50] [--turns 30] [--parallel 8] [--keep]
//
// Builds nothing: run `npx tsc -p tsconfig.json` first (hooks start dist/src/worker/entry.js).
// Exit status 1 when a job was lost, a line doubled or torn, or the outputs differ.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { isAlive } from '../src/state/session-lock.js';
import { hooksInFlight } from '../test/helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../test/synthetic.js';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '50' },
    turns: { type: 'string', default: '30' },
    parallel: { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
  },
});
const SESSIONS = Number(values.sessions);
const TURNS = Number(values.turns);
const PARALLEL = Number(values.parallel);
const HOOK = new URL('../hooks/claude-code.sh', import.meta.url).pathname;

const root = mkdtempSync(join(tmpdir(), 'shiplog-load-run-'));
const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Load',
  GIT_AUTHOR_EMAIL: 'load@example.com',
  GIT_COMMITTER_NAME: 'Load',
  GIT_COMMITTER_EMAIL: 'load@example.com',
};
delete baseEnv.SHIPLOG_INTERNAL;

function makeRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['config', 'user.name', 'Load'],
    ['config', 'user.email', 'load@example.com'],
    ['commit', '-q', '--allow-empty', '-m', 'init'],
  ]) {
    const r = spawnSync('git', args, { cwd: dir, env: baseEnv, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  }
  return dir;
}

function fireHook(env: NodeJS.ProcessEnv, payload: object): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', [HOOK, process.execPath], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 && stderr === ''
        ? resolve(performance.now() - started)
        : reject(new Error(`hook exited ${code}: ${stderr}`)),
    );
    child.stdin.end(JSON.stringify(payload));
  });
}

/** True while any session's spool holds a job or a live worker (the workers are detached). */
function busy(home: string): boolean {
  // A hook's payload still being delivered, not yet routed, or a router still alive.
  if (hooksInFlight(home)) return true;
  const spool = join(home, 'spool');
  if (!existsSync(spool)) return false;
  for (const s of readdirSync(spool)) {
    if (s.startsWith('.')) continue;
    let names: string[];
    try {
      names = readdirSync(join(spool, s));
    } catch {
      continue; // removed by its worker as it left
    }
    if (names.some((n) => n.endsWith('.json') || n.endsWith('.part'))) return true;
    if (names.includes('worker.alive')) {
      try {
        const owner = JSON.parse(readFileSync(join(spool, s, 'worker.alive'), 'utf8')) as {
          pid: number;
          start: string | null;
        };
        if (isAlive(owner.pid, owner.start)) return true;
      } catch {
        // Gone since the listing, or half-written by a worker that is starting: look again.
        return true;
      }
    }
  }
  return false;
}

async function settle(home: string, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline) {
    if (!busy(home)) {
      await sleep(300);
      if (!busy(home)) return;
    }
    await sleep(100);
  }
  throw new Error(`workers in ${home} did not finish within ${boundMs} ms`);
}

interface Entry {
  run_id: string;
  created_at: string;
  transcript: { session_id: string; window_index: number };
  [k: string]: unknown;
}

function readEntries(repo: string): { entries: Entry[]; torn: number; failures: number } {
  const dir = join(repo, '.changelog');
  let torn = 0;
  const entries: Entry[] = [];
  let failures = 0;
  if (!existsSync(dir)) return { entries, torn, failures };
  for (const actor of readdirSync(dir).filter((a) => !a.startsWith('.'))) {
    const file = join(dir, actor, 'entries.jsonl');
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        try {
          entries.push(JSON.parse(line) as Entry);
        } catch {
          torn++;
        }
      }
    }
    const fail = join(dir, actor, 'failures.jsonl');
    if (existsSync(fail)) failures += readFileSync(fail, 'utf8').split('\n').filter(Boolean).length;
  }
  return { entries, torn, failures };
}

/** An entry with what differs between any two runs (when it was written, where) taken out. */
function canonical(e: Entry): string {
  const { created_at: _created, ...rest } = e;
  return JSON.stringify(rest).split(repoLoad).join('<repo>').split(repoClean).join('<repo>');
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const repoLoad = makeRepo(join(root, 'load', 'repo'));
const repoClean = makeRepo(join(root, 'clean', 'repo'));
const homeLoad = join(root, 'load', 'home');
const homeClean = join(root, 'clean', 'home');
const sessions = Array.from({ length: SESSIONS }, (_, i) => `load-run-${String(i).padStart(3, '0')}`);
const transcriptOf = (s: string) => join(root, 'transcripts', `${s}.jsonl`);
mkdirSync(join(root, 'transcripts'));

// 1. The load: every session advances a turn at a time; PARALLEL hook processes at once overall.
const loadEnv = { ...baseEnv, SHIPLOG_HOME: homeLoad };
const next = new Map(sessions.map((s) => [s, 0]));
const inFlight = new Set<string>();
const hookMs: number[] = [];
const t0 = performance.now();
let fired = 0;
await Promise.all(
  Array.from({ length: PARALLEL }, async (_, lane) => {
    for (;;) {
      // Round-robin from a lane-specific start so sessions interleave.
      const ready = sessions.filter((s) => !inFlight.has(s) && (next.get(s) ?? 0) <= TURNS);
      if (ready.length === 0) {
        if (sessions.every((s) => (next.get(s) ?? 0) > TURNS)) return;
        await sleep(5);
        continue;
      }
      const s = ready[(lane + fired) % ready.length] ?? ready[0]!;
      inFlight.add(s);
      const k = next.get(s) ?? 0;
      const turn = simpleTurn(k);
      if (k < TURNS) {
        writeClaudeTranscript(transcriptOf(s), s, repoLoad, [turn], { append: k > 0, firstSeq: k });
        hookMs.push(
          await fireHook(loadEnv, {
            session_id: s,
            transcript_path: transcriptOf(s),
            cwd: repoLoad,
            hook_event_name: 'Stop',
            stop_hook_active: false,
            last_assistant_message: turn.reply,
          }),
        );
      } else {
        hookMs.push(
          await fireHook(loadEnv, {
            session_id: s,
            transcript_path: transcriptOf(s),
            cwd: repoLoad,
            hook_event_name: 'SessionEnd',
            reason: 'other',
          }),
        );
      }
      fired++;
      next.set(s, k + 1);
      inFlight.delete(s);
    }
  }),
);
const firedMs = performance.now() - t0;
await settle(homeLoad, 30 * 60_000);
const loadMs = performance.now() - t0;

// 2. The clean run: the final transcripts, one SessionEnd at a time, each worker gone before the next.
// The transcripts name the load repository as their working folder; the clean run's hooks name
// its own (the payload's cwd decides the output repository).
const cleanEnv = { ...baseEnv, SHIPLOG_HOME: homeClean, SHIPLOG_WORKER_LINGER_SECONDS: '0' };
const c0 = performance.now();
for (const s of sessions) {
  await fireHook(cleanEnv, {
    session_id: s,
    transcript_path: transcriptOf(s),
    cwd: repoClean,
    hook_event_name: 'SessionEnd',
    reason: 'other',
  });
  await settle(homeClean, 5 * 60_000);
}
const cleanMs = performance.now() - c0;

// 3. Compare.
const db = new Database(join(homeLoad, 'state.db'), { readonly: true });
const fires = Object.fromEntries(
  (db.prepare('SELECT event, count FROM hook_fires').all() as { event: string; count: number }[]).map((r) => [
    r.event,
    r.count,
  ]),
);
const workers = (db.prepare('SELECT COUNT(DISTINCT pid) AS n FROM runs').get() as { n: number }).n;
const runs = (db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
db.close();
const log = readFileSync(join(homeLoad, 'shiplog.log'), 'utf8').split('\n').filter(Boolean);
const warnings = log.filter((l) => /"level":[4-6]0/.test(l));
const badJobs = existsSync(join(homeLoad, 'spool', '.bad')) ? readdirSync(join(homeLoad, 'spool', '.bad')).length : 0;
const expectedJobs = SESSIONS * (TURNS + 1);
const taken = (fires.Stop ?? 0) + (fires.SessionEnd ?? 0);
const load = readEntries(repoLoad);
const clean = readEntries(repoClean);
const runIds = load.entries.map((e) => e.run_id);
const doubled = runIds.length - new Set(runIds).size;
const key = (e: Entry) => `${e.transcript.session_id}#${e.transcript.window_index}`;
const cleanBy = new Map(clean.entries.map((e) => [key(e), e]));
const differing = load.entries.filter((e) => {
  const c = cleanBy.get(key(e));
  return !c || canonical(c) !== canonical(e);
});
const sameRunIds = load.entries.filter((e) => cleanBy.get(key(e))?.run_id === e.run_id).length;
const missing = clean.entries.filter((c) => !load.entries.some((e) => key(e) === key(c))).length;
hookMs.sort((a, b) => a - b);

const lines = [
  `load run: ${SESSIONS} sessions × ${TURNS} turns (+ SessionEnd), ${PARALLEL} hook processes at once, one repository`,
  `  hooks fired        ${fired} in ${(firedMs / 1000).toFixed(1)} s; hook wall time p50 ${pct(hookMs, 50).toFixed(0)} ms, p95 ${pct(hookMs, 95).toFixed(0)} ms, max ${(hookMs.at(-1) ?? 0).toFixed(0)} ms`,
  `  all workers done   ${(loadMs / 1000).toFixed(1)} s after the first hook; ${runs} runs by ${workers} worker processes`,
  `  jobs taken         ${taken} of ${expectedJobs} (Stop ${fires.Stop ?? 0}, SessionEnd ${fires.SessionEnd ?? 0}); lost ${expectedJobs - taken}; kept aside as unreadable ${badJobs}`,
  `  warnings in log    ${warnings.length}`,
  `  entries            ${load.entries.length} (clean run ${clean.entries.length}); failure records ${load.failures} (clean ${clean.failures})`,
  `  doubled lines      ${doubled}; torn lines ${load.torn}`,
  `  vs clean run       ${load.entries.length - differing.length} equal, ${differing.length} differ, ${missing} missing; same run_id ${sameRunIds}/${load.entries.length}; clean run took ${(cleanMs / 1000).toFixed(1)} s`,
];
console.log(lines.join('\n'));
for (const w of warnings.slice(0, 5)) console.log(`  warning: ${w.slice(0, 300)}`);
for (const e of differing.slice(0, 2))
  console.log(
    `  differs: ${key(e)}\n    load:  ${canonical(e).slice(0, 400)}\n    clean: ${cleanBy.get(key(e)) ? canonical(cleanBy.get(key(e))!).slice(0, 400) : '(none)'}`,
  );
const ok =
  taken === expectedJobs &&
  badJobs === 0 &&
  doubled === 0 &&
  load.torn === 0 &&
  differing.length === 0 &&
  missing === 0 &&
  load.entries.length === SESSIONS;
console.log(ok ? 'result: ok' : 'result: FAILED');
if (values.keep) console.log(`kept: ${root}`);
else rmSync(root, { recursive: true, force: true });
process.exitCode = ok ? 0 : 1;
