// Drives the real Gemini CLI (`@google/gemini-cli`) headless and offline against the loopback Gemini
// API mock (gemini-mock.ts): a throwaway HOME with `~/.gemini/settings.json`, `gemini -p` runs, the
// session files it writes. What each setting and variable is for: docs/gemini-cli.md.
//
// Everything is spawned asynchronously: the mock answers from this same process, so a spawnSync
// would deadlock it. Each client runs in its own process group so it can be stopped as a whole.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A pinned, non-"auto" model: the router's override strategy then skips the classifier call. */
const GEMINI_MODEL = 'gemini-2.5-flash';
/** Dummy key: the mock ignores it, but `gemini-api-key` auth wants one (sent as `x-goog-api-key`). */
const MOCK_API_KEY = 'shiplog-e2e-gemini-mock-key';

// --- settings ----------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Settings = { [k: string]: Json };

/**
 * The user settings of an offline run: API-key auth (the base URL comes from GOOGLE_GEMINI_BASE_URL),
 * a fixed model, no telemetry or usage statistics, no update checks, no IDE, no LLM edit fixer,
 * no next-speaker check, no session cleanup, hooks on (they are on by default; stated for clarity).
 */
export function defaultGeminiSettings(): Settings {
  return {
    security: { auth: { selectedType: 'gemini-api-key' } },
    model: { name: GEMINI_MODEL, skipNextSpeakerCheck: true },
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false, sessionRetention: { enabled: false } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    ide: { enabled: false },
    tools: { disableLLMCorrection: true },
    hooksConfig: { enabled: true },
  };
}

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` merged into `base` (objects key by key, everything else replaced). */
function mergeSettings(base: Settings, over: Settings = {}): Settings {
  const out: Settings = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? mergeSettings(b, v) : v;
  }
  return out;
}

function geminiDir(home: string): string {
  return join(home, '.gemini');
}

/** Writes `<home>/.gemini/settings.json` (defaults merged with `extra`) and returns its path. */
export function writeGeminiSettings(home: string, extra: Settings = {}): string {
  const dir = geminiDir(home);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'settings.json');
  writeFileSync(path, `${JSON.stringify(mergeSettings(defaultGeminiSettings(), extra), null, 2)}\n`);
  return path;
}

// --- environment -------------------------------------------------------------------------------

/** Inherited variables that would point the client at a real account, another config or shiplog's own mode. */
function isForeignVar(name: string): boolean {
  return (
    name.startsWith('GEMINI_') ||
    name.startsWith('GOOGLE_') ||
    name.startsWith('CLOUDSDK_') ||
    [
      'CLOUD_SHELL',
      'SANDBOX',
      'SEATBELT_PROFILE',
      'DEBUG',
      'DEBUG_MODE',
      'CI',
      'GITHUB_ACTIONS',
      'SHIPLOG_INTERNAL',
      'HTTPS_PROXY',
      'HTTP_PROXY',
      'https_proxy',
      'http_proxy',
      'NO_PROXY',
      'no_proxy',
    ].includes(name)
  );
}

/**
 * The isolated environment of one client run: its own HOME (so `~/.gemini` is the throwaway one),
 * the mock as API, the workspace trusted, no relaunch into a child process. `extra` is applied last.
 */
function geminiEnv(opts: { home: string; mockUrl: string; extra?: NodeJS.ProcessEnv }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!isForeignVar(k) && v !== undefined) env[k] = v;
  Object.assign(env, {
    HOME: opts.home,
    GEMINI_API_KEY: MOCK_API_KEY,
    GOOGLE_GEMINI_BASE_URL: opts.mockUrl,
    // Trust the workspace before settings are read (`--skip-trust` is applied only after the
    // settings, and so the workspace's own .gemini/settings.json, were loaded untrusted).
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
    // One process: no `node --max-old-space-size=…` child relaunch.
    GEMINI_CLI_NO_RELAUNCH: 'true',
    NO_COLOR: '1',
    TERM: 'dumb',
    NO_BROWSER: 'true',
  });
  Object.assign(env, opts.extra ?? {});
  return env;
}

// --- processes ---------------------------------------------------------------------------------

/** Pids whose process group is `pgid` (Linux /proc), to find what a client left behind. */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state ppid pgrp …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) pids.push(Number(entry));
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

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Resolves once stdout and stderr are drained, or after `ms` if something still holds them open. */
function drained(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.stdout?.closed !== false && child.stderr?.closed !== false) return resolve();
    const timer = setTimeout(resolve, ms);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// --- gemini -p -----------------------------------------------------------------------------------

export interface GeminiTurnArgs {
  /** The `gemini` executable (from `ensureClient('gemini')`). */
  bin: string;
  /** Throwaway HOME; `<home>/.gemini/settings.json` is (re)written for each run. */
  home: string;
  /** The workspace (the project root the session belongs to). */
  cwd: string;
  mockUrl: string;
  prompt: string;
  /** `true` → `--resume latest` (the newest session of this project); a string → `--resume <that>`. */
  resume?: boolean | string;
  /** More environment (applied last, e.g. SHIPLOG_HOME). */
  env?: NodeJS.ProcessEnv;
  /** Merged over the default settings (e.g. `{ hooks: {...} }`). */
  settings?: Settings;
  /** Run with settings.json as it is (written once, then edited by `shiplog install`), not rewritten. */
  keepSettings?: boolean;
  /** `json` (default), `text` or `stream-json`. */
  outputFormat?: 'json' | 'text' | 'stream-json';
  /** More arguments after the defaults. */
  extraArgs?: string[];
  /** The whole process group is killed after this long (default 180 s). */
  timeoutMs?: number;
  /** Polled every 100 ms; once true, `signal` (default SIGTERM) is sent to the client itself. */
  signalWhen?: () => boolean;
  signal?: NodeJS.Signals;
}

export interface GeminiTurnResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Processes still in the client's group after it exited (they were killed). */
  strays: number[];
  argv: string[];
  /** `session_id` from `--output-format json` (null for other formats or when absent). */
  sessionId: string | null;
}

export function geminiArgv(args: Pick<GeminiTurnArgs, 'prompt' | 'resume' | 'outputFormat' | 'extraArgs'>): string[] {
  const argv = [
    '-p',
    args.prompt,
    '--approval-mode',
    'yolo',
    '--output-format',
    args.outputFormat ?? 'json',
    '--model',
    GEMINI_MODEL,
  ];
  if (args.resume === true) argv.push('--resume', 'latest');
  else if (typeof args.resume === 'string') argv.push('--resume', args.resume);
  return [...argv, ...(args.extraArgs ?? [])];
}

/** `session_id` of a `--output-format json` result on stdout. */
function sessionIdOf(stdout: string): string | null {
  const start = stdout.indexOf('{');
  if (start < 0) return null;
  try {
    const v = JSON.parse(stdout.slice(start)) as { session_id?: unknown };
    return typeof v.session_id === 'string' ? v.session_id : null;
  } catch {
    return null;
  }
}

/** Runs one headless turn of the real client and waits for it (and kills what it left in its group). */
export async function runGeminiTurn(args: GeminiTurnArgs): Promise<GeminiTurnResult> {
  if (!args.keepSettings) writeGeminiSettings(args.home, args.settings);
  const env = geminiEnv({ home: args.home, mockUrl: args.mockUrl, extra: args.env });
  const argv = geminiArgv(args);
  const child = spawn(args.bin, argv, { cwd: args.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`could not start ${args.bin}`);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(pgid, 'SIGKILL');
  }, args.timeoutMs ?? 180_000);
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
  if (watch) clearInterval(watch);
  // Tool shells and non-detached hooks left in the group are strays; detached ones have their own group.
  const strays = groupMembers(pgid);
  if (strays.length > 0) killGroup(pgid, 'SIGKILL');
  await drained(child, 5_000);
  return {
    ...exit,
    stdout,
    stderr,
    timedOut,
    strays,
    argv,
    sessionId: args.outputFormat && args.outputFormat !== 'json' ? null : sessionIdOf(stdout),
  };
}

// --- session files -------------------------------------------------------------------------------

export interface GeminiSessionFile {
  path: string;
  /** `<slug>` of `~/.gemini/tmp/<slug>/chats/` (the project's short id from `~/.gemini/projects.json`). */
  project: string;
  size: number;
}

/** Every main session file (`session-*.json` / `session-*.jsonl`) under `<home>/.gemini/tmp/<project>/chats/`. */
export function listGeminiSessions(home: string): GeminiSessionFile[] {
  const tmp = join(geminiDir(home), 'tmp');
  if (!existsSync(tmp)) return [];
  const out: GeminiSessionFile[] = [];
  for (const project of readdirSync(tmp)) {
    const chats = join(tmp, project, 'chats');
    if (!existsSync(chats) || !statSync(chats).isDirectory()) continue;
    for (const name of readdirSync(chats)) {
      if (!/^session-.*\.jsonl?$/.test(name)) continue;
      const path = join(chats, name);
      out.push({ path, project, size: statSync(path).size });
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** One record of a JSONL session file (metadata line, message, `{$set}` update or `{$rewindTo}`). */
export type SessionRecord = Record<string, unknown>;

/**
 * The records of a session file: its JSONL lines (0.39.0 and later), or for a legacy `.json` file
 * (0.38.x and earlier: one pretty-printed document) its metadata followed by its messages.
 */
export function readSessionRecords(path: string): SessionRecord[] {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.json')) {
    const { messages, ...metadata } = JSON.parse(text) as { messages?: SessionRecord[] };
    return [metadata, ...(messages ?? [])];
  }
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as SessionRecord);
}
