// Shared by the hook entrypoints. Plain JavaScript on node: built-ins only, so a hook costs little
// more than starting node and never loads the worker's dependencies. The rules it keeps: exit 0,
// print nothing, never wait for the worker, never hang on stdin.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAX_STDIN_BYTES = 1024 * 1024;
export const STDIN_TIMEOUT_MS = 1000;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const WORKER = fileURLToPath(new URL('../../dist/src/worker/entry.js', import.meta.url));

// Same rules as src/paths.ts stateDir(); test/hooks/state-dir.test.ts keeps them in step.
export function stateDir(env = process.env) {
  if (env.SHIPLOG_HOME) return env.SHIPLOG_HOME;
  const xdg = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(xdg, 'shiplog');
}

export function log(level, msg, fields = {}) {
  try {
    const dir = stateDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const line = JSON.stringify({ level, time: new Date().toISOString(), pid: process.pid, name: 'hook', ...fields, msg });
    appendFileSync(join(dir, 'shiplog.log'), `${line}\n`, { mode: 0o600 });
  } catch {
    // Nowhere left to report to (state folder unwritable); the hook must still exit 0 silently.
  }
}

/** Reads stdin up to the size cap, giving up on it after the time cap. Never rejects. */
export function readStdin() {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      process.stdin.removeAllListeners();
      process.stdin.pause();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ text: Buffer.concat(chunks).toString('utf8'), timedOut: true }), STDIN_TIMEOUT_MS);
    process.stdin.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_STDIN_BYTES) return finish({ tooLarge: true, size });
      chunks.push(chunk);
    });
    process.stdin.on('end', () => finish({ text: Buffer.concat(chunks).toString('utf8'), timedOut: false }));
    process.stdin.on('error', (err) => finish({ error: String(err && err.code ? err.code : err) }));
  });
}

/** Checks a parsed payload; returns a reason string when it cannot become a job. */
export function payloadProblem(payload, events) {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return 'payload is not a JSON object';
  if (typeof payload.session_id !== 'string' || !SAFE_ID.test(payload.session_id) || payload.session_id.includes('..')) return 'missing or unsafe session_id';
  if (typeof payload.transcript_path !== 'string' || !isAbsolute(payload.transcript_path)) return 'missing or relative transcript_path';
  if (typeof payload.hook_event_name !== 'string' || !events.includes(payload.hook_event_name)) return 'unexpected hook_event_name';
  return null;
}

/** Leaves the job in the session's spool folder and starts a detached worker for it. */
export function spoolAndSpawn(agent, payload) {
  const dir = join(stateDir(), 'spool', payload.session_id);
  const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.json`;
  const job = JSON.stringify({ v: 1, agent, received_at: new Date().toISOString(), payload });
  // A worker may remove the (empty) folder between our mkdir and write: one retry covers it.
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, name), job, { mode: 0o600, flag: 'wx' });
      break;
    } catch (err) {
      if (attempt >= 2 || !err || err.code !== 'ENOENT') throw err;
    }
  }
  if (!existsSync(WORKER)) {
    log(50, 'worker not built; job left in the spool for the next run', { worker: WORKER });
    return;
  }
  const child = spawn(process.execPath, [WORKER, payload.session_id], { detached: true, stdio: 'ignore', env: process.env });
  child.on('error', (err) => log(50, 'could not start the worker', { error: String(err) }));
  child.unref();
}

/** The whole hook: stdin → checked job → detached worker → exit 0. */
export async function runHook(agent, events) {
  process.on('uncaughtException', (err) => {
    log(50, 'hook failed', { error: String(err && err.stack ? err.stack : err) });
    process.exit(0);
  });
  if (process.env.SHIPLOG_INTERNAL === '1') process.exit(0);
  const input = await readStdin();
  if (input.tooLarge) {
    log(40, 'hook payload over the size cap; ignored', { agent, bytes: input.size });
    process.exit(0);
  }
  if (input.error) {
    log(40, 'could not read hook stdin', { agent, error: input.error });
    process.exit(0);
  }
  let payload;
  try {
    payload = JSON.parse(input.text);
  } catch {
    log(40, input.timedOut ? 'hook stdin stayed open without a complete JSON payload; ignored' : 'hook stdin is not JSON; ignored', {
      agent,
      bytes: input.text.length,
    });
    process.exit(0);
  }
  const problem = payloadProblem(payload, events);
  if (problem) {
    log(40, `hook payload rejected: ${problem}`, { agent, event: typeof payload?.hook_event_name === 'string' ? payload.hook_event_name.slice(0, 40) : undefined });
    process.exit(0);
  }
  spoolAndSpawn(agent, payload);
  process.exit(0);
}
