import type { Adapter, LineContext } from '../src/adapters/adapter.js';
import type { AgentEvent } from '../src/events.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Config } from '../src/config/config.js';
import { createLogger } from '../src/log.js';
import { openDb } from '../src/state/db.js';
import { liveWorkers } from '../src/worker/registry.js';
import { AliveFile } from '../src/worker/alive-file.js';
import { ROUTER_ALIVE } from '../src/worker/route-inbox.js';
import { isAlive, ProcessOwner } from '../src/state/session-lock.js';
import { runSession, type RunRequest } from '../src/worker/pipeline.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The hooks as installed: run as `/bin/sh <hook> <node>` (src/install/hook-files.ts hookCommand). */
export const HOOK = join(ROOT, 'hooks', 'claude-code.sh');
export const CODEX_HOOK = join(ROOT, 'hooks', 'codex.sh');
export const NOTIFY_HOOK = join(ROOT, 'hooks', 'codex-notify.sh');
/** Rollouts written by the real Codex CLI against the mock (scripts/make-codex-fixtures.ts). */
export const CODEX_FIXTURES = join(ROOT, 'test', 'fixtures', 'codex');
export const WORKER = join(ROOT, 'dist', 'src', 'worker', 'entry.js');
export const CLI = join(ROOT, 'bin', 'shiplog.mjs');

/** Transcripts written by the real Claude Code against the mock (scripts/make-claude-fixtures.ts). */
export const CLAUDE_FIXTURES = join(ROOT, 'test', 'fixtures', 'claude-code');

function jsonlUnder(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    // Subagent transcripts are read through their parent, never as sessions of their own.
    if (e.isDirectory()) {
      if (e.name !== 'subagents') jsonlUnder(join(dir, e.name), out);
    } else if (e.name.endsWith('.jsonl')) out.push(join(dir, e.name));
  }
  return out;
}

/** Every Claude Code main transcript under `root` (the recorded fixtures unless told otherwise). */
export function claudeTranscripts(root = CLAUDE_FIXTURES): string[] {
  return jsonlUnder(root, []).sort();
}

/** Every Codex rollout under `root` (the recorded fixtures unless told otherwise). */
export function codexRollouts(root = CODEX_FIXTURES): string[] {
  return jsonlUnder(root, []).sort();
}

export function tempDir(prefix = 'shiplog-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A real git repository (created if missing), with one commit when asked, so devlogs carry real git metadata. */
export function gitRepo(dir: string, withCommit = false): string {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'tester@example.com');
  git('config', 'user.name', 'Tester');
  if (withCommit) git('commit', '-q', '--allow-empty', '-m', 'init');
  return dir;
}

export function defaultConfig(overrides: { granularity?: 'session' | 'turn' } = {}): Config {
  return Config.parse({ changelog: { granularity: overrides.granularity ?? 'session' } });
}

/** Runs the pipeline in this process against a real SQLite state folder. */
/** `at`: the run's clock (default the real one), for a transcript whose worker ran just after its last record. */
export async function runInProcess(
  home: string,
  req: RunRequest,
  config = defaultConfig(),
  env?: NodeJS.ProcessEnv,
  at?: Date,
) {
  const db = openDb(home);
  try {
    return await runSession(
      {
        stateDir: home,
        db,
        log: createLogger(home, 'test'),
        config,
        ...(env && { env }),
        ...(at && { now: () => at }),
      },
      req,
    );
  } finally {
    db.close();
  }
}

export function readOutputs(
  repo: string,
  sessionId: string,
): { devlog: string | null; entries: string; failures: string } {
  const devlogPath = join(repo, '.devlog', 'sessions', `${sessionId}.json`);
  const read = (name: string) => {
    const dir = join(repo, '.changelog');
    if (!existsSync(dir)) return '';
    return readdirSync(dir)
      .filter((a) => !a.startsWith('.'))
      .map((a) => (existsSync(join(dir, a, name)) ? readFileSync(join(dir, a, name), 'utf8') : ''))
      .join('');
  };
  return {
    devlog: existsSync(devlogPath) ? readFileSync(devlogPath, 'utf8') : null,
    entries: read('entries.jsonl'),
    failures: read('failures.jsonl'),
  };
}

export interface ProcResult {
  pid?: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts a real child process, feeds it stdin (or keeps stdin open), and collects its output. */
export function runProcess(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string | Buffer; keepStdinOpen?: boolean; cwd?: string } = {},
): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ pid: child.pid, code, signal, stdout, stderr }));
    child.stdin.on('error', () => {
      // The hook may exit before reading everything (size cap): EPIPE is expected then.
    });
    if (opts.input !== undefined) child.stdin.write(opts.input);
    if (!opts.keepStdinOpen) child.stdin.end();
    else child.on('exit', () => child.stdin.destroy());
  });
}

export function hookEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SHIPLOG_INTERNAL;
  // Workers leave as soon as their jobs are done, so every test's processes end with it; the
  // lingering worker has its own test.
  return { ...env, SHIPLOG_HOME: home, SHIPLOG_WORKER_LINGER_SECONDS: '0', ...extra };
}

/** Waits until every job spooled for the session has been taken and its worker has left. */
export async function waitForWorkers(home: string, sessionId: string, timeoutMs = 60_000): Promise<void> {
  const spool = join(home, 'spool', sessionId);
  const busy = () => {
    const names = listOrNone(spool);
    // Any live worker of this state folder counts: after its own session a worker goes on to
    // other sessions' held windows and stranded jobs (src/worker/registry.ts).
    // The hooks leave payloads in the inbox for the router, which spools them and starts the worker.
    return (
      hooksInFlight(home) ||
      names.some((n) => n.endsWith('.json')) ||
      aliveWorker(join(spool, 'worker.alive')) ||
      lockHeld(home, sessionId) ||
      liveWorkers(home).length > 0
    );
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!busy()) {
      // A worker can be between starting and claiming the spool; look once more.
      await sleep(150);
      if (!busy()) return;
    }
    await sleep(50);
  }
  throw new Error(`workers for ${sessionId} did not finish within ${timeoutMs} ms`);
}

/** A folder's names; none when it is gone (a worker removes its empty spool folder as it leaves). */
function listOrNone(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** A worker that advertised itself in the spool and is still running (a killed one is not). */
function aliveWorker(file: string): boolean {
  if (!existsSync(file)) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Half-written by a worker killed while writing it, or gone since.
    return false;
  }
  const owner = ProcessOwner.safeParse(parsed);
  return owner.success && isAlive(owner.data.pid, owner.data.start);
}

/**
 * Whether shiplog has hook payloads in flight for this state folder: a hook's detached
 * deliver.sh still copying (a hook exits before its payload reaches the inbox), a payload in the
 * inbox, or a router alive.
 */
export function hooksInFlight(home: string): boolean {
  const inbox = listOrNone(join(home, 'inbox'));
  if (
    inbox.some((n) => n !== 'router.alive') ||
    new AliveFile(join(home, 'inbox'), { name: ROUTER_ALIVE, plain: true }).heldByOther()
  )
    return true;
  const mark = `SHIPLOG_HOME=${home}\0`;
  for (const pid of listOrNone('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    // The hook's own forked child runs as the hook until it execs setsid and deliver.sh.
    if (
      /\/hooks\/(?:lib\/deliver|claude-code|codex|codex-notify)\.sh\0/.test(readFileOrEmpty(`/proc/${pid}/cmdline`)) &&
      `\0${readFileOrEmpty(`/proc/${pid}/environ`)}`.includes(`\0${mark}`)
    )
      return true;
  }
  return false;
}

/** A file's text; '' when it is gone (a process that ended) or not ours to read. */
function readFileOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') return '';
    throw err;
  }
}

function lockHeld(home: string, sessionId: string): boolean {
  const path = join(home, 'state.db');
  if (!existsSync(path)) return false;
  const db = new Database(path, { readonly: true, timeout: 5000 });
  try {
    // A worker may have created the file but not its tables yet.
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'locks'").get() === undefined) return false;
    const row = db.prepare('SELECT pid, start_time FROM locks WHERE session_id = ?').get(sessionId) as
      | { pid: number; start_time: string | null }
      | undefined;
    return row !== undefined && isAlive(row.pid, row.start_time);
  } finally {
    db.close();
  }
}

export function cleanup(...dirs: string[]): void {
  // A test's last `shiplog doctor` or `status` may have started a background sweep that is still
  // writing into the folder: it is waited for first, or rmdir finds the files it wrote meanwhile
  // (on a loaded machine it can start well after the command that started it has returned).
  for (const d of dirs) {
    waitForSweepsIn(d);
    rmSync(d, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
}

/**
 * Blocks until no background sweep (a worker started with `--sweep`, which sweeps once and exits)
 * has its SHIPLOG_HOME inside `dir`, for at most `timeoutMs`. Lingering session workers are left
 * to the tests that start them, which wait for them themselves.
 */
function waitForSweepsIn(dir: string, timeoutMs = 60_000): void {
  const marks = [`\0SHIPLOG_HOME=${dir}\0`, `\0SHIPLOG_HOME=${dir}/`];
  const using = () =>
    listOrNone('/proc').some((pid) => {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
      if (!readFileOrEmpty(`/proc/${pid}/cmdline`).includes('\0--sweep\0')) return false;
      const env = `\0${readFileOrEmpty(`/proc/${pid}/environ`)}`;
      return marks.some((m) => env.includes(m));
    });
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (using()) {
    if (Date.now() > deadline) throw new Error(`a background sweep still uses ${dir} after ${timeoutMs} ms`);
    Atomics.wait(pause, 0, 0, 50);
  }
}

/** Deterministic PRNG so a failing random test can be replayed from its seed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function stopPayload(
  sessionId: string,
  transcriptPath: string,
  cwd: string,
  extra: Record<string, unknown> = {},
): string {
  return `${JSON.stringify({ session_id: sessionId, transcript_path: transcriptPath, cwd, hook_event_name: 'Stop', stop_hook_active: false, ...extra })}\n`;
}

export function sessionEndPayload(sessionId: string, transcriptPath: string, cwd: string, reason = 'other'): string {
  return `${JSON.stringify({ session_id: sessionId, transcript_path: transcriptPath, cwd, hook_event_name: 'SessionEnd', reason })}\n`;
}

/** Every file under `dir` (relative paths), for "nothing written outside" checks. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Feeds lines through an adapter, carrying the state: what the pipeline does, minus the I/O. */
export function runAdapter<S>(
  adapter: Adapter<S>,
  lines: string[],
  opts: { state?: S; ctx?: LineContext } = {},
): { state: S; events: AgentEvent[] } {
  let state = opts.state ?? adapter.initialState();
  const events: AgentEvent[] = [];
  for (const line of lines) {
    const r = adapter.parseLine(state, line, opts.ctx);
    state = r.state;
    events.push(...r.events);
  }
  return { state, events };
}
