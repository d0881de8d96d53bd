// Drives the real Claude Code client offline against the loopback Messages mock (mock-messages.ts):
// an isolated environment, `claude -p` runs, and interactive TUI sessions through a pseudo-terminal
// (see shared reference claude-code.md §14).
//
// Everything is spawned asynchronously: the mock answers from this same process, so a spawnSync
// would deadlock it. Each client runs in its own process group so it can be stopped as a whole.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Dummy key: the mock ignores it, but the client must have one (sent as `x-api-key`). */
export const MOCK_API_KEY = 'sk-ant-api03-shiplog-e2e-mock-key-0000000000000000';
export const MODEL = 'claude-sonnet-4-5';
export const DEFAULT_TOOLS = ['Bash', 'Write', 'Edit', 'Read', 'Agent'];

// --- environment -----------------------------------------------------------------------------

/** Inherited variables that would point the client at a real account, another config or shiplog's own mode. */
function isForeignVar(name: string): boolean {
  // `CLAUDE` also covers CLAUDECODE=1, which a shell inside Claude Code inherits.
  return name.startsWith('ANTHROPIC_') || name.startsWith('CLAUDE') || name === 'SHIPLOG_INTERNAL';
}

/**
 * The isolated environment of one client run: its own HOME (hooks go in `<home>/.claude/settings.json`,
 * or `<configDir>/settings.json` when `configDir` is given), the mock as API, no network extras.
 * The client's temp files (background task output, `claude-<uid>/<project>/<session>/…`) go to
 * `<home>/.tmp` instead of the machine's /tmp. `extra` is applied last (e.g. SHIPLOG_HOME).
 */
export function claudeEnv(opts: {
  home: string;
  mockUrl: string;
  configDir?: string;
  extra?: NodeJS.ProcessEnv;
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!isForeignVar(k) && v !== undefined) env[k] = v;
  Object.assign(env, {
    HOME: opts.home,
    ANTHROPIC_BASE_URL: opts.mockUrl,
    ANTHROPIC_API_KEY: MOCK_API_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_TMPDIR: privateDir(join(opts.home, '.tmp')),
  });
  if (opts.configDir !== undefined) env['CLAUDE_CONFIG_DIR'] = opts.configDir;
  Object.assign(env, opts.extra ?? {});
  return env;
}

/** The client wants its temp dir private (0700) and existing. */
function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Where the client keeps settings and transcripts for this environment. */
function claudeConfigDir(env: NodeJS.ProcessEnv): string {
  return env['CLAUDE_CONFIG_DIR'] ?? join(env['HOME'] ?? '/nonexistent', '.claude');
}

// --- processes -------------------------------------------------------------------------------

/** Pids whose process group is `pgid` (Linux /proc), to find what a client left behind. */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state ppid pgrp …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

interface Exit {
  code: number | null;
  signal: string | null;
}

function exited(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Resolves once stdout and stderr are drained, or after `ms` if something still holds them open. */
function drained(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * After the client exits, members of its group that remain (tool shells, non-detached hooks) are
 * strays; they are killed so no test leaves processes behind. Detached workers have their own group.
 */
function reapGroup(pgid: number): number[] {
  const strays = groupMembers(pgid);
  if (strays.length > 0) killGroup(pgid, 'SIGKILL');
  return strays;
}

// --- claude -p ---------------------------------------------------------------------------------

export interface PrintResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  sessionId: string | null;
  timedOut: boolean;
  /** Processes still in the client's group after it exited (killed). */
  strays: number[];
}

export interface PrintArgs {
  cwd: string;
  prompt: string;
  resume?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Sent (default SIGTERM) to the client as soon as signalWhen holds. */
  signal?: NodeJS.Signals;
  /** Polled: send `signal` once the call is on disk (a session ended by a signal mid-tool). */
  signalWhen?: () => boolean;
  /** Defaults to DEFAULT_TOOLS. */
  allowedTools?: string[];
  /** More arguments, e.g. `--settings <file>` or `--debug-file <f>`. */
  extraArgs?: string[];
}

function printArgv(args: PrintArgs): string[] {
  // The prompt goes right after -p: --allowedTools takes several values and would swallow a
  // trailing positional argument.
  const argv = [
    '-p',
    args.prompt,
    '--model',
    MODEL,
    '--permission-mode',
    'acceptEdits',
    '--allowedTools',
    ...(args.allowedTools ?? DEFAULT_TOOLS),
  ];
  argv.push('--output-format', 'stream-json', '--verbose');
  if (args.resume !== undefined) argv.push('--resume', args.resume);
  return [...argv, ...(args.extraArgs ?? [])];
}

/** The session id from stream-json (`system/init` comes first; `result` repeats it). */
function sessionIdOf(streamJson: string): string | null {
  for (const line of streamJson.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const ev = JSON.parse(line) as { session_id?: unknown };
      if (typeof ev.session_id === 'string') return ev.session_id;
    } catch {
      // A partial line (killed mid-write): skip it.
    }
  }
  return null;
}

export async function runClaudePrint(bin: string, args: PrintArgs): Promise<PrintResult> {
  const child = spawn(bin, printArgv(args), {
    cwd: args.cwd,
    env: args.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${bin}`);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pgid, 'SIGKILL');
  }, args.timeoutMs ?? 180_000);
  // Only the client itself, as `kill <pid>` would: its hooks must be free to run their SessionEnd.
  const watch = args.signalWhen
    ? setInterval(() => {
        if (args.signalWhen?.()) {
          clearInterval(watch);
          child.kill(args.signal ?? 'SIGTERM');
        }
      }, 100)
    : undefined;
  const exit = await exited(child);
  clearTimeout(timer);
  clearInterval(watch);
  const strays = reapGroup(pgid);
  await drained(child, 5_000);
  return { ...exit, stdout, stderr, sessionId: sessionIdOf(stdout), timedOut, strays };
}

// --- transcripts -------------------------------------------------------------------------------

export interface TranscriptFile {
  path: string;
  /** `<session_id>` for a main transcript, `agent-<id>` for a subagent's. */
  name: string;
  /** The session the file belongs to (a subagent file lives in its parent's folder). */
  sessionId: string;
  kind: 'main' | 'subagent';
  size: number;
  /** First `timestamp` inside, for ordering sessions. */
  firstTimestamp: string | null;
}

function firstTimestamp(path: string): string | null {
  const m = /"timestamp":"([^"]+)"/.exec(readFileSync(path, 'utf8'));
  return m ? m[1]! : null;
}

function walkJsonl(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walkJsonl(p, out);
    else if (entry.name.endsWith('.jsonl')) out.push(p);
  }
}

/** Every transcript under `<config dir>/projects`, oldest session first. */
export function listTranscripts(env: NodeJS.ProcessEnv): TranscriptFile[] {
  const root = join(claudeConfigDir(env), 'projects');
  const paths: string[] = [];
  walkJsonl(root, paths);
  return paths
    .map((path): TranscriptFile => {
      const parts = path.slice(root.length + 1).split('/');
      const file = parts[parts.length - 1]!.replace(/\.jsonl$/, '');
      // projects/<project>/<session>.jsonl or projects/<project>/<session>/subagents/agent-<id>.jsonl
      const subagent = parts.length >= 4 && parts[parts.length - 2] === 'subagents';
      return {
        path,
        name: file,
        sessionId: subagent ? parts[1]! : file,
        kind: subagent ? 'subagent' : 'main',
        size: statSync(path).size,
        firstTimestamp: firstTimestamp(path),
      };
    })
    .sort((a, b) => (a.firstTimestamp ?? '').localeCompare(b.firstTimestamp ?? '') || a.path.localeCompare(b.path));
}

// --- interactive -------------------------------------------------------------------------------

export type InteractiveStep = { type: string } | { waitMs: number } | { waitFor: RegExp };

export interface InteractiveArgs {
  cwd: string;
  env: NodeJS.ProcessEnv;
  steps: InteractiveStep[];
  timeoutMs?: number;
  /** Client arguments; defaults to `--model claude-sonnet-4-5 --permission-mode acceptEdits --allowedTools …`. */
  args?: string[];
  cols?: number;
  rows?: number;
  /** Force a pseudo-terminal helper (default: `script` when it works, else python3). */
  pty?: 'script' | 'python3';
}

export interface InteractiveResult {
  code: number | null;
  signal: string | null;
  /** Everything the TUI wrote, escape sequences included. */
  output: string;
  /** `output` without escape sequences, for matching. */
  text: string;
  /** Main sessions whose transcript appeared or grew during the run, oldest first. */
  sessionIds: string[];
  timedOut: boolean;
  strays: number[];
  /** Which pseudo-terminal helper ran the client. */
  pty: 'script' | 'python3';
}

/**
 * Pre-accepts what an isolated HOME would otherwise ask first: onboarding (theme), the custom API
 * key and the folder trust dialog (whose default is "No, exit"). Merged into an existing file, which
 * holds the client's own state after a previous run.
 */
function writeClaudeJson(env: NodeJS.ProcessEnv, projectDirs: string[]): string {
  const key = env['ANTHROPIC_API_KEY'] ?? MOCK_API_KEY;
  // `<CLAUDE_CONFIG_DIR>/.claude.json` when that is set, else `<HOME>/.claude.json` (2.1.330: with
  // the variable set, only the config dir's file is read and written).
  const dir = env['CLAUDE_CONFIG_DIR'] ?? env['HOME'];
  if (dir === undefined) throw new Error('writeClaudeJson: env has neither CLAUDE_CONFIG_DIR nor HOME');
  const path = join(dir, '.claude.json');
  const current = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  const projects =
    typeof current['projects'] === 'object' && current['projects'] !== null
      ? (current['projects'] as Record<string, Record<string, unknown>>)
      : {};
  for (const p of projectDirs) projects[p] = { allowedTools: [], ...projects[p], hasTrustDialogAccepted: true };
  const next = {
    ...current,
    hasCompletedOnboarding: true,
    lastOnboardingVersion: '2.1.330',
    theme: 'dark',
    customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
    projects,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, `${JSON.stringify(next, null, 2)}\n`);
  return path;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Whether `cmd args` runs and exits 0 (async: the mock in this process must keep answering). */
function hasCommand(cmd: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore', timeout: 10_000 });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

let ptyHelper: 'script' | 'python3' | undefined;

/** util-linux `script` allocates the pty; python3's `pty` module is the fallback. */
async function choosePty(): Promise<'script' | 'python3'> {
  if (ptyHelper) return ptyHelper;
  if (await hasCommand('script', ['-qfec', 'true', '/dev/null'])) ptyHelper = 'script';
  else if (await hasCommand('python3', ['-c', 'import pty'])) ptyHelper = 'python3';
  else throw new Error('no pseudo-terminal helper: need util-linux `script` or python3');
  return ptyHelper;
}

// python3 fallback: pty.spawn copies our stdin to the pty master and the master to stdout.
const PY_PTY = 'import pty, sys\nsys.exit(pty.spawn(["sh", "-c", sys.argv[1]]) >> 8)';

function spawnInPty(helper: 'script' | 'python3', command: string, cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  const argv =
    helper === 'script'
      ? (['script', ['-qfec', command, '/dev/null']] as const)
      : (['python3', ['-c', PY_PTY, command]] as const);
  return spawn(argv[0], [...argv[1]], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
}

// The TUI draws with cursor moves instead of spaces and newlines (`\x1b[6G` between words), so those
// become a space or a newline; every other escape (CSI, OSC, DCS, charset, save/restore) goes.
const CURSOR_COLUMN = /\x1b\[\d*[CG]/g;
const CURSOR_LINE = /\x1b\[[\d;]*[ABEFHf]/g;
const ESCAPES =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[()*+][0-9A-Za-z]|\x1b[0-9=<>@-Z\\-_]|[\x00-\x08\x0b-\x1f\x7f]/g;

function stripAnsi(s: string): string {
  return s
    .replace(CURSOR_COLUMN, ' ')
    .replace(CURSOR_LINE, '\n')
    .replace(ESCAPES, '')
    .replace(/\u00a0/g, ' ');
}

/**
 * Terminal queries the TUI may wait on, answered as a real xterm would. 2.1.330 sends DA1 (`ESC[c`),
 * a kitty keyboard query and XTVERSION at start; xterm answers only DA1, which ends the probing.
 */
function answerQueries(chunk: string, rows: number, write: (s: string) => void): void {
  if (chunk.includes('\x1b[6n')) write(`\x1b[${rows};1R`); // cursor position report
  if (/\x1b\[0?c/.test(chunk)) write('\x1b[?62;22c'); // primary device attributes
  if (chunk.includes('\x1b]11;?')) write('\x1b]11;rgb:0000/0000/0000\x1b\\'); // background colour
}

interface PtySession {
  child: ChildProcess;
  output: () => string;
  write: (s: string) => void;
  /** Resolves when the stripped output after the last match matches `re`. */
  waitFor: (re: RegExp, deadline: number) => Promise<boolean>;
}

function ptySession(child: ChildProcess, rows: number): PtySession {
  let output = '';
  let mark = 0; // waitFor only looks at text after the previous match
  const waiters = new Set<() => void>();
  const write = (s: string): void => {
    if (child.stdin && !child.stdin.destroyed) child.stdin.write(s);
  };
  const onData = (d: Buffer): void => {
    const chunk = d.toString('utf8');
    output += chunk;
    answerQueries(chunk, rows, write);
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const waitFor = (pattern: RegExp, deadline: number): Promise<boolean> =>
    new Promise((resolve) => {
      // Without g/y, so a caller's lastIndex cannot make a later check skip the match.
      const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
      const check = (): void => {
        if (re.test(stripAnsi(output.slice(mark)))) {
          // Later waits only see what arrives after this match, not the same text again.
          mark = output.length;
          done(true);
        } else if (Date.now() >= deadline || child.exitCode !== null || child.signalCode !== null) done(false);
      };
      const timer = setInterval(check, 200);
      const done = (ok: boolean): void => {
        clearInterval(timer);
        waiters.delete(check);
        resolve(ok);
      };
      waiters.add(check);
      check();
    });
  return { child, output: () => output, write, waitFor };
}

async function runSteps(pty: PtySession, steps: InteractiveStep[], deadline: number): Promise<void> {
  for (const step of steps) {
    if ('type' in step) {
      pty.write(step.type);
      // A separate write, so the TUI reads Enter as submit and not as a newline inside a paste.
      await sleep(300);
      pty.write('\r');
    } else if ('waitMs' in step) {
      await sleep(step.waitMs);
    } else if (!(await pty.waitFor(step.waitFor, deadline))) {
      throw new Error(
        `interactive: ${String(step.waitFor)} did not appear; screen tail:\n${stripAnsi(pty.output()).slice(-1500)}`,
      );
    }
  }
}

function mainSizes(env: NodeJS.ProcessEnv): Map<string, number> {
  return new Map(
    listTranscripts(env)
      .filter((t) => t.kind === 'main')
      .map((t) => [t.sessionId, t.size]),
  );
}

/**
 * Runs the TUI in a pseudo-terminal and plays `steps`; a failed `waitFor` rejects (after the client
 * is stopped). The last step should end the session (`{ type: '/exit' }`); otherwise it is killed at
 * the timeout.
 */
export async function runClaudeInteractive(bin: string, opts: InteractiveArgs): Promise<InteractiveResult> {
  const cols = opts.cols ?? 140;
  const rows = opts.rows ?? 40;
  writeClaudeJson(opts.env, [opts.cwd]);
  const before = mainSizes(opts.env);
  const args = opts.args ?? ['--model', MODEL, '--permission-mode', 'acceptEdits', '--allowedTools', ...DEFAULT_TOOLS];
  // stty sets the window size inside the pty: `script` copies it from its own stdin, a pipe here.
  const command = `stty cols ${cols} rows ${rows} 2>/dev/null; exec ${[bin, ...args].map(shellQuote).join(' ')}`;
  const helper = opts.pty ?? (await choosePty());
  // A pty needs a real terminal type; a test runner's env often has none or `dumb`.
  const term = opts.env['TERM'] && opts.env['TERM'] !== 'dumb' ? opts.env['TERM'] : 'xterm-256color';
  const child = spawnInPty(helper, command, opts.cwd, { ...opts.env, TERM: term });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${helper}`);
  const pty = ptySession(child, rows);
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      killGroup(pgid, 'SIGKILL');
    },
    Math.max(0, deadline - Date.now()),
  );
  const exit = exited(child);
  let failure: unknown;
  try {
    await runSteps(pty, opts.steps, deadline);
  } catch (err) {
    failure = err;
    killGroup(pgid, 'SIGKILL');
  }
  const { code, signal } = await exit;
  clearTimeout(timer);
  child.stdin?.end();
  const strays = reapGroup(pgid);
  await drained(child, 5_000);
  if (failure) throw failure;
  const after = listTranscripts(opts.env).filter((t) => t.kind === 'main' && (before.get(t.sessionId) ?? -1) < t.size);
  const output = pty.output();
  return {
    code,
    signal,
    output,
    text: stripAnsi(output),
    sessionIds: after.map((t) => t.sessionId),
    timedOut,
    strays,
    pty: helper,
  };
}
