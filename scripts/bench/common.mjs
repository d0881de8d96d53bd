// Shared plumbing for scripts/bench.mjs: paths, child processes (timed, tracked, always reaped),
// temp folders, statistics and formatting. Node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const NODE = process.execPath;
export const CLI = join(REPO_ROOT, 'bin', 'shiplog.mjs');
/** The hook entry points as `shiplog install` registers them: `/bin/sh <hook>.sh <node> …`. */
export const SH = '/bin/sh';
export const HOOKS = {
  claude: join(REPO_ROOT, 'hooks', 'claude-code.sh'),
  codex: join(REPO_ROOT, 'hooks', 'codex.sh'),
  notify: join(REPO_ROOT, 'hooks', 'codex-notify.sh'),
};
export const DIST = join(REPO_ROOT, 'dist');

export const MB = 1024 * 1024;

/** Every id the bench puts in a session id or temp path carries this tag, so leftovers are findable. */
export const TAG = `shiplog-bench-${process.pid}`;

// ---------------------------------------------------------------------------------------------
// Temp folders: one root per run, removed at the end whatever happened.

let tempRoot = null;

export function benchTemp() {
  tempRoot ??= mkdtempSync(join(tmpdir(), `${TAG}-`));
  return tempRoot;
}

/** A fresh folder under the run's temp root. */
export function tempDir(name) {
  const dir = join(benchTemp(), name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function removeTemp() {
  if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
  tempRoot = null;
}

/** A throwaway git repository with one commit, so git lookups in the pipeline succeed like in real use. */
export function makeGitRepo(dir) {
  mkdirSync(dir, { recursive: true });
  const git = (...args) => {
    const r = spawnSync('git', args, {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${dir}`);
  };
  git('init', '-q');
  git('config', 'user.email', 'bench@example.invalid');
  git('config', 'user.name', 'shiplog bench');
  git('commit', '-q', '--allow-empty', '-m', 'bench');
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Environment for every child process.

/**
 * The environment children run with. SHIPLOG_HOME and XDG_CONFIG_HOME point into the temp root so
 * no user state or config leaks in either direction. NODE_EXTRA_CA_CERTS is dropped: this sandbox
 * sets it, and loading the CA bundle adds tens of ms to every node start, which would inflate the
 * `node -e 0` baseline and flatter the hook ratio. It plays no part in what shiplog does.
 */
export function childEnv(extra = {}) {
  const env = { ...process.env, XDG_CONFIG_HOME: join(benchTemp(), 'xdg-config'), ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('SHIPLOG_') && !(k in extra)) delete env[k];
  return env;
}

export const droppedEnv = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'].filter((k) => process.env[k] !== undefined);

// ---------------------------------------------------------------------------------------------
// Child processes: timed from spawn to exit, tracked until reaped.

const live = new Set();

/**
 * Runs a command to completion. `ms` is wall time from just before spawn to the 'exit' event (not
 * 'close': a detached grandchild must never be able to stretch the measurement via shared pipes).
 */
export function run(
  cmd,
  args,
  { input = '', env = childEnv(), cwd = REPO_ROOT, capture = true, timeoutMs = 30 * 60_000 } = {},
) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      cwd,
      env,
      stdio: ['pipe', capture ? 'pipe' : 'ignore', capture ? 'pipe' : 'ignore'],
    });
    live.add(child);
    let stdout = '';
    let stderr = '';
    if (capture) {
      child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d.length > 1e5 ? d.slice(-1e5) : d));
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let exit = null;
    child.on('error', (err) => {
      clearTimeout(timer);
      live.delete(child);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      exit = { ms: Number(process.hrtime.bigint() - started) / 1e6, code, signal };
      clearTimeout(timer);
      live.delete(child);
      // Output may still be draining; wait for 'close' (it comes right after) before resolving.
      if (!capture) resolve({ ...exit, stdout, stderr });
    });
    if (capture) child.on('close', () => exit && resolve({ ...exit, stdout, stderr }));
    child.stdin.on('error', () => {}); // a child that exits without reading stdin is fine
    child.stdin.end(input);
  });
}

/** Fails loudly when a child that should have succeeded did not. */
export function expectOk(r, what) {
  if (r.code !== 0) throw new Error(`${what} exited with ${r.code ?? r.signal}\n${r.stderr.slice(-2000)}`);
  return r;
}

/**
 * Pids (other than ours) whose command line contains `needle` (Linux /proc; [] elsewhere). With
 * `environ`, their environment instead: processes the hooks start detached (the router, and the
 * workers and notify programs it or they start) carry no bench tag in their argv, but inherit
 * SHIPLOG_HOME, which lies in the run's temp folder.
 */
export function pidsMatching(needle, { environ = false } = {}) {
  if (!existsSync('/proc/self/cmdline')) return [];
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${d}/${environ ? 'environ' : 'cmdline'}`, 'utf8').includes(needle)) out.push(Number(d));
    } catch {
      // The process ended between readdir and read, or is not ours to read.
    }
  }
  return out;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until no process mentions `needle` (in its command line, or its environment with
 * `environ`) in two looks in a row; kills stragglers after `timeoutMs`. Returns ms waited.
 */
export async function waitForProcesses(needle, timeoutMs = 15_000, { environ = false } = {}) {
  const started = Date.now();
  for (let clear = 0; clear < 2; ) {
    if (pidsMatching(needle, { environ }).length > 0) clear = 0;
    else if (++clear === 2) break;
    if (Date.now() - started > timeoutMs) {
      killPids(pidsMatching(needle, { environ }));
      break;
    }
    await sleep(clear ? 5 : 20);
  }
  return Date.now() - started;
}

/**
 * Waits until every process whose environment holds `needle` sleeps (no R or D state) in two
 * looks in a row: a lingering router or worker that is done with the last job and waits for the
 * next. Gives up (without killing) after `timeoutMs`: on a busy machine a sleeper can show R
 * while it waits for a CPU. Returns ms waited.
 */
export async function waitForQuiet(needle, timeoutMs = 5_000) {
  const started = Date.now();
  for (let quiet = 0; quiet < 2 && Date.now() - started < timeoutMs; ) {
    const busy = pidsMatching(needle, { environ: true }).some((pid) => {
      try {
        return /^[RD]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, ''));
      } catch {
        return false;
      }
    });
    quiet = busy ? 0 : quiet + 1;
    await sleep(20);
  }
  return Date.now() - started;
}

function killPids(pids) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * Stops everything this run started: children still tracked, then any process whose command line
 * or environment names our tag (detached workers carry it in their session id; CLI children in
 * their temp paths; whatever the sh hooks start detached inherits SHIPLOG_HOME and
 * XDG_CONFIG_HOME, both under the temp root). Returns how many had to be killed.
 */
export function killLeftovers() {
  let n = 0;
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      n++;
    }
  }
  live.clear();
  const stray = [...new Set([...pidsMatching(TAG), ...pidsMatching(TAG, { environ: true })])];
  killPids(stray);
  return n + stray.length;
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting.

export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function spread(xs) {
  if (xs.length === 0) return 'n/a';
  const s = [...xs].sort((a, b) => a - b);
  return `${fmt(s[0])}–${fmt(s[s.length - 1])}`;
}

export function fmt(x, digits) {
  if (!Number.isFinite(x)) return String(x);
  const d = digits ?? (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);
  return x.toFixed(d);
}

export const fmtMB = (bytes) => `${fmt(bytes / MB)} MB`;

export async function timeAsync(fn) {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

/** Prints progress to stderr so stdout holds only the report. */
export function note(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}
