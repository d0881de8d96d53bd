import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { hooksInFlight } from '../helpers.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'bin', 'shiplog.mjs');

/**
 * One isolated world per scenario: its own HOME (with Claude Code's and Codex's config folders
 * inside), shiplog state folder and git workspace, and the real clients on PATH. Nothing of the
 * machine's own configuration is read or written.
 */
export interface Sandbox {
  root: string;
  home: string;
  claudeDir: string;
  codexHome: string;
  state: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function createSandbox(name: string, clientBins: string[]): Sandbox {
  const root = mkdtempSync(join(tmpdir(), `shiplog-e2e-${name}-`));
  const home = join(root, 'home');
  const claudeDir = join(home, '.claude');
  const codexHome = join(home, '.codex');
  const state = join(root, 'state');
  const workspace = join(root, 'ws');
  for (const d of [claudeDir, codexHome, workspace]) mkdirSync(d, { recursive: true });
  const base: NodeJS.ProcessEnv = {};
  // Only what a shell on this machine needs; the clients' and shiplog's own variables are set below.
  // SHIPLOG_HOOK_TIMES: where scripts/run-tests.mjs --e2e gathers every hook's exit time for its report.
  for (const k of [
    'PATH',
    'LANG',
    'TERM',
    'SHELL',
    'USER',
    'LOGNAME',
    'TMPDIR',
    'NODE_EXTRA_CA_CERTS',
    'SHIPLOG_HOOK_TIMES',
  ])
    if (process.env[k] !== undefined) base[k] = process.env[k];
  const env: NodeJS.ProcessEnv = {
    ...base,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    CLAUDE_CONFIG_DIR: claudeDir,
    CODEX_HOME: codexHome,
    SHIPLOG_HOME: state,
    // Workers leave soon after their last job, so a scenario can tell when they are done.
    SHIPLOG_WORKER_LINGER_SECONDS: '2',
    SHIPLOG_ACTOR: 'e2e',
    PATH: [...clientBins.map((b) => dirname(b)), dirname(process.execPath), base.PATH ?? '/usr/bin:/bin'].join(':'),
  };
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: workspace });
  execFileSync('git', ['config', 'user.email', 'e2e@example.com'], { cwd: workspace });
  execFileSync('git', ['config', 'user.name', 'E2E'], { cwd: workspace });
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'start'], { cwd: workspace });
  return {
    root,
    home,
    claudeDir,
    codexHome,
    state,
    workspace,
    env,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function shiplog(
  sb: Sandbox,
  args: string[],
  cwd = sb.workspace,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: sb.env, encoding: 'utf8', timeout: 120_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Waits until shiplog has nothing left to do: no job in any spool folder, no session locked by a
 * live worker, no worker advertising itself. Hooks fire as the client exits, so look a few times.
 */
export async function waitForShiplog(sb: Sandbox, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    if (idle(sb)) {
      if (++quiet >= 5) return;
    } else quiet = 0;
    await sleep(200);
  }
  throw new Error(`shiplog still busy after ${timeoutMs} ms (see ${join(sb.state, 'shiplog.log')})`);
}

function idle(sb: Sandbox): boolean {
  if (hooksInFlight(sb.state)) return false;
  const spool = join(sb.state, 'spool');
  if (existsSync(spool)) {
    for (const s of readdirSync(spool)) {
      const names = existsSync(join(spool, s)) ? readdirSync(join(spool, s)) : [];
      if (names.some((n) => n.endsWith('.json'))) return false;
      if (names.includes('worker.alive') && alivePid(join(spool, s, 'worker.alive'))) return false;
    }
  }
  const dbPath = join(sb.state, 'state.db');
  if (!existsSync(dbPath)) return true;
  const db = new Database(dbPath, { readonly: true, timeout: 5000 });
  try {
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'locks'").get() === undefined) return true;
    const rows = db.prepare('SELECT pid FROM locks').all() as { pid: number }[];
    return !rows.some((r) => pidAlive(r.pid));
  } finally {
    db.close();
  }
}

function alivePid(file: string): boolean {
  try {
    return pidAlive((JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid);
  } catch {
    return false; // half-written or gone: not a live worker
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every file under `dir`, relative, skipping `.git`. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/** Runs `shiplog sweep` until its output matches (the transcript must first be quiet for the idle time). */
export async function sweepUntil(sb: Sandbox, done: RegExp, boundMs = 60_000): Promise<string> {
  const env = { ...sb.env, SHIPLOG_IDLE_MINUTES: '0.02' };
  const until = Date.now() + boundMs;
  let last = '';
  while (Date.now() < until) {
    const r = await shiplog({ ...sb, env }, ['sweep']);
    if (r.code !== 0) throw new Error(`shiplog sweep exited ${r.code}: ${r.stderr}`);
    last = r.stdout;
    if (done.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`shiplog sweep never said ${done}; last: ${last}`);
}
