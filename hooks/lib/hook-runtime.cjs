'use strict';
// Shared by the hook entrypoints. Plain CommonJS on node: built-ins only, so a hook costs about
// what starting node costs (ES modules would add ~40% here) and never loads the worker's
// dependencies. The rules it keeps: exit 0, print nothing, never wait for the worker, never hang
// on stdin.
const fs = require('node:fs');
const { isAbsolute, join } = require('node:path');

const MAX_STDIN_BYTES = 1024 * 1024;
const STDIN_TIMEOUT_MS = 1000;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const WORKER = join(__dirname, '..', '..', 'dist', 'src', 'worker', 'entry.js');

// Same rules as src/paths.ts stateDir(); a test keeps them in step.
function stateDir(env = process.env) {
  if (env.SHIPLOG_HOME) return env.SHIPLOG_HOME;
  // node:os is loaded only when needed: every module counts against the hook's start-up budget.
  const xdg = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(require('node:os').homedir(), '.local', 'state');
  return join(xdg, 'shiplog');
}

function log(level, msg, fields = {}) {
  try {
    const dir = stateDir();
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const line = JSON.stringify({ level, time: new Date().toISOString(), pid: process.pid, name: 'hook', ...fields, msg });
    fs.appendFileSync(join(dir, 'shiplog.log'), `${line}\n`, { mode: 0o600 });
  } catch {
    // Nowhere left to report to (state folder unwritable); the hook must still exit 0 silently.
  }
}

/**
 * Reads stdin up to the size cap, giving up on it after the time cap. Never rejects. Clients
 * hand hooks a pipe, a socket or a file (Claude Code 2.1.330 gives a socket; Bun has also used
 * memfds and pipes), so:
 * - a file (or /dev/null) is read synchronously: it always ends;
 * - a pipe is reopened through /dev/stdin without blocking and read synchronously;
 * - a socket is read through node's own pipe handle (readSocket below);
 * - anything else, or any surprise on the way, goes through process.stdin.
 * Every path keeps the hook well clear of building a stream, which costs about a quarter of a
 * node start. None leaves a blocking read behind: process.exit would wait for it.
 */
function readStdin() {
  let st;
  try {
    st = fs.fstatSync(0);
  } catch (err) {
    return Promise.resolve({ error: String(err && err.code ? err.code : err) });
  }
  if (st.isFile() || st.isCharacterDevice() && !require('node:tty').isatty(0)) return Promise.resolve(readFd(0, false));
  if (st.isSocket()) {
    const fast = readSocket();
    if (fast) return fast;
    return readStdinStream();
  }
  if (st.isFIFO()) {
    let fd;
    try {
      fd = fs.openSync('/dev/stdin', fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch {
      // No /dev/stdin to reopen (not Linux): the portable path.
      return readStdinStream();
    }
    try {
      return Promise.resolve(readFd(fd, true));
    } finally {
      fs.closeSync(fd);
    }
  }
  return readStdinStream();
}

/** Synchronous read to EOF; with `nonBlocking`, waits out EAGAIN in 2 ms steps up to the cap. */
function readFd(fd, nonBlocking) {
  const chunks = [];
  const buf = Buffer.allocUnsafe(64 * 1024);
  const deadline = Date.now() + STDIN_TIMEOUT_MS;
  let pause = null;
  let size = 0;
  for (;;) {
    let n;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (err) {
      if (nonBlocking && err && err.code === 'EAGAIN') {
        if (Date.now() >= deadline) return { text: Buffer.concat(chunks).toString('utf8'), timedOut: true };
        pause ??= new Int32Array(new SharedArrayBuffer(4));
        Atomics.wait(pause, 0, 0, 2);
        continue;
      }
      return { error: String(err && err.code ? err.code : err) };
    }
    if (n === 0) return { text: Buffer.concat(chunks).toString('utf8'), timedOut: false };
    size += n;
    if (size > MAX_STDIN_BYTES) return { tooLarge: true, size };
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
}

/**
 * Reads a socket stdin with the pipe handle process.stdin itself is built on, without loading
 * `net` and the stream machinery. process.binding is deprecated (DEP0111, documentation-only):
 * when the handle is missing or not shaped as expected this returns null and the caller uses
 * process.stdin. test/hooks checks that this path is the one taken on the Node CI runs.
 * The handle reads without blocking, so the timer can always end it.
 */
function readSocket() {
  let Pipe, SOCKET, state, kBytes, kOffset;
  try {
    const pipeWrap = process.binding('pipe_wrap');
    const streamWrap = process.binding('stream_wrap');
    Pipe = pipeWrap.Pipe;
    SOCKET = pipeWrap.constants && pipeWrap.constants.SOCKET;
    state = streamWrap.streamBaseState;
    kBytes = streamWrap.kReadBytesOrError;
    kOffset = streamWrap.kArrayBufferOffset;
  } catch {
    // This node has no such bindings (or forbids them): process.stdin it is.
    return null;
  }
  if (typeof Pipe !== 'function' || typeof SOCKET !== 'number' || !(state instanceof Int32Array)) return null;
  if (typeof kBytes !== 'number' || typeof kOffset !== 'number') return null;
  const handle = new Pipe(SOCKET);
  if (handle.open(0) !== 0 || typeof handle.readStart !== 'function') return null;
  return new Promise((resolve) => {
    const sink = collector(() => handle.readStop(), (result) => resolve({ ...result, via: 'socket-handle' }));
    handle.onread = (arrayBuffer) => {
      const n = state[kBytes];
      if (n > 0) sink.push(Buffer.from(arrayBuffer, state[kOffset], n));
      // Negative: EOF (UV_EOF) or an error; both end the payload.
      else if (n < 0) sink.end();
    };
    const rc = handle.readStart();
    if (rc !== 0 && rc !== undefined) sink.fail(`readStart ${rc}`);
  });
}

function readStdinStream() {
  return new Promise((resolve) => {
    const sink = collector(() => {
      process.stdin.removeAllListeners();
      process.stdin.pause();
    }, resolve);
    process.stdin.on('data', (chunk) => sink.push(chunk));
    process.stdin.on('end', () => sink.end());
    process.stdin.on('error', (err) => sink.fail(String(err && err.code ? err.code : err)));
  });
}

/**
 * Gathers an asynchronous reader's chunks under the size and time caps and settles once:
 * `stop` ends the reader, `settle` receives the result.
 */
function collector(stop, settle) {
  const chunks = [];
  let size = 0;
  let done = false;
  const text = () => Buffer.concat(chunks).toString('utf8');
  const finish = (result) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    stop();
    settle(result);
  };
  const timer = setTimeout(() => finish({ text: text(), timedOut: true }), STDIN_TIMEOUT_MS);
  return {
    push(chunk) {
      size += chunk.length;
      if (size > MAX_STDIN_BYTES) finish({ tooLarge: true, size });
      else chunks.push(chunk);
    },
    end: () => finish({ text: text(), timedOut: false }),
    fail: (error) => finish({ error }),
  };
}

/** Checks a parsed payload; returns a reason string when it cannot become a job. */
function payloadProblem(payload, events) {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return 'payload is not a JSON object';
  if (typeof payload.session_id !== 'string' || !SAFE_ID.test(payload.session_id) || payload.session_id.includes('..')) return 'missing or unsafe session_id';
  if (typeof payload.transcript_path !== 'string' || !isAbsolute(payload.transcript_path)) return 'missing or relative transcript_path';
  if (typeof payload.hook_event_name !== 'string' || !events.includes(payload.hook_event_name)) return 'unexpected hook_event_name';
  return null;
}

/**
 * True when a live worker is watching this session's spool (src/worker/alive-file.ts writes the
 * file; the same liveness rule as src/state/session-lock.ts isAlive, repeated here because the
 * hook loads no project code). The job was written before this check, so a worker on its way
 * out still sees it.
 */
function workerAlive(spoolDir) {
  let owner;
  try {
    owner = JSON.parse(fs.readFileSync(join(spoolDir, 'worker.alive'), 'utf8'));
  } catch {
    // No worker (no file), or one killed while writing it: start one.
    return false;
  }
  if (!owner || !Number.isInteger(owner.pid)) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if (!err || err.code !== 'EPERM') return false;
  }
  if (typeof owner.start !== 'string') return true;
  try {
    const stat = fs.readFileSync(`/proc/${owner.pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] === owner.start;
  } catch {
    // No /proc here: kill(pid, 0) above is all we can know.
    return true;
  }
}

/**
 * How the worker is started (also used by scripts/bench to measure exactly this process). The
 * worker parses a stream of short-lived objects: a 1 MiB young generation that does not grow and
 * a single malloc arena keep its peak memory flat on gigabyte transcripts (each about halves
 * the growth over the baseline).
 */
function workerCommand(sessionId, env = process.env) {
  return {
    command: process.execPath,
    args: ['--max-semi-space-size=1', '--semi-space-growth-factor=1', WORKER, sessionId],
    env: { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX || '1' },
  };
}

/** Leaves the job in the session's spool folder and starts a detached worker for it. */
function spoolAndSpawn(agent, payload) {
  // Both payload checks have made session_id a safe folder name by now.
  const dir = join(stateDir(), 'spool', payload.session_id);
  const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.json`;
  const job = JSON.stringify({ v: 1, agent, received_at: new Date().toISOString(), payload });
  // Written under a name workers never list (they take only `*.json`), then renamed: a worker
  // polling the spool sees the whole job or nothing, never a file created but not yet filled.
  const part = join(dir, `${name}.part`);
  // The folder usually exists (a worker is watching it): write first, create it only when
  // missing. A worker may remove an empty folder between our mkdir and write: retry covers it.
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(part, job, { mode: 0o600, flag: 'wx' });
      break;
    } catch (err) {
      if (attempt >= 3 || !err || err.code !== 'ENOENT') throw err;
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
  }
  // The .part file keeps the folder non-empty, so a leaving worker cannot remove it under us.
  fs.renameSync(part, join(dir, name));
  if (workerAlive(dir)) return;
  if (!fs.existsSync(WORKER)) {
    log(50, 'worker not built; job left in the spool for the next run', { worker: WORKER });
    return;
  }
  const worker = workerCommand(payload.session_id);
  spawnDetached(worker.command, worker.args, worker.env);
}

/**
 * Starts a process in its own session with stdio on /dev/null and does not wait for it. Through
 * node's process handle (what child_process.spawn is built on) when it is there as expected:
 * loading child_process costs the hook about a seventh of a node start. process.binding is
 * deprecated (DEP0111, documentation-only); on any surprise this uses child_process. Returns
 * which way it went, for the test that keeps the fast path honest.
 */
function spawnDetached(command, args, env) {
  let Process = null;
  try {
    Process = process.binding('process_wrap').Process;
  } catch {
    // No such binding on this node: child_process below.
  }
  if (typeof Process === 'function') {
    const handle = new Process();
    handle.onexit = () => {};
    const envPairs = Object.keys(env).map((k) => `${k}=${env[k]}`);
    const rc = handle.spawn({
      file: command,
      args: [command, ...args],
      envPairs,
      stdio: [{ type: 'ignore' }, { type: 'ignore' }, { type: 'ignore' }],
      detached: true,
      windowsHide: false,
      windowsVerbatimArguments: false,
    });
    if (rc === 0 && typeof handle.pid === 'number') {
      if (typeof handle.unref === 'function') handle.unref();
      return 'process-handle';
    }
    // A libuv error code: the system refused this program (missing, not executable), and
    // child_process would be refused the same way.
    if (typeof rc === 'number' && rc < 0) {
      log(50, 'could not start a process', { command, rc });
      return 'failed';
    }
    log(40, 'fast process start failed; using child_process', { rc });
  }
  const { spawn } = require('node:child_process');
  const child = spawn(command, args, { detached: true, stdio: 'ignore', env });
  child.on('error', (err) => log(50, 'could not start a process', { command, error: String(err) }));
  child.unref();
  return 'child_process';
}

/** The whole hook: stdin → checked job → detached worker → exit 0. */
async function runHook(agent, events) {
  process.on('uncaughtException', (err) => {
    log(50, 'hook failed', { error: String(err && err.stack ? err.stack : err) });
    process.exit(0);
  });
  if (process.env.SHIPLOG_INTERNAL === '1') process.exit(0);
  const input = await readStdin();
  const leave = () => process.exit(0);
  if (input.tooLarge) {
    log(40, 'hook payload over the size cap; ignored', { agent, bytes: input.size });
    leave();
  }
  if (input.error) {
    log(40, 'could not read hook stdin', { agent, error: input.error });
    leave();
  }
  let payload;
  try {
    payload = JSON.parse(input.text);
  } catch {
    log(40, input.timedOut ? 'hook stdin stayed open without a complete JSON payload; ignored' : 'hook stdin is not JSON; ignored', {
      agent,
      bytes: input.text.length,
    });
    leave();
  }
  const problem = payloadProblem(payload, events);
  if (problem) {
    // Codex gives `transcript_path: null` for --ephemeral sessions: nothing to record, not a fault.
    const ephemeral = payload && typeof payload === 'object' && payload.transcript_path === null;
    log(ephemeral ? 30 : 40, ephemeral ? 'no transcript (ephemeral session); nothing to record' : `hook payload rejected: ${problem}`, { agent, event: typeof payload?.hook_event_name === 'string' ? payload.hook_event_name.slice(0, 40) : undefined });
    leave();
  }
  spoolAndSpawn(agent, payload);
  leave();
}

/**
 * Codex's `notify` program: argv is [the user's previous notify program…, json]. Their program
 * runs first whatever happens here (and even under SHIPLOG_INTERNAL: it is theirs, not ours);
 * then the turn becomes a job like a hook's, keyed by thread id. Notify gives no rollout path:
 * the worker looks it up. Payloads without a thread id (Codex before 0.100) cannot be tied to a
 * rollout from here and are logged and left.
 */
function runNotify(argv) {
  process.on('uncaughtException', (err) => {
    log(50, 'notify failed', { error: String(err && err.stack ? err.stack : err) });
    process.exit(0);
  });
  const json = argv[argv.length - 1];
  const chain = argv.slice(0, -1);
  if (chain.length > 0 && typeof json === 'string') {
    spawnDetached(chain[0], [...chain.slice(1), json], process.env);
  }
  if (process.env.SHIPLOG_INTERNAL === '1') process.exit(0);
  let payload;
  try {
    payload = JSON.parse(typeof json === 'string' ? json : '');
  } catch {
    log(40, 'notify argument is not JSON; ignored', { bytes: typeof json === 'string' ? json.length : 0 });
    process.exit(0);
  }
  const problem = notifyProblem(payload);
  if (problem) {
    log(problem.level, `notify payload ignored: ${problem.reason}`, { type: typeof payload?.type === 'string' ? payload.type.slice(0, 40) : undefined });
    process.exit(0);
  }
  const codexHome = process.env.CODEX_HOME && isAbsolute(process.env.CODEX_HOME) ? process.env.CODEX_HOME : join(require('node:os').homedir(), '.codex');
  let threadId = payload['thread-id'];
  let transcriptPath;
  if (threadId === undefined) {
    // Codex before 0.100 names no thread: the turn that just ended is in the rollout written last.
    const latest = latestRollout(codexHome);
    if (!latest) {
      log(30, 'notify payload ignored: no thread-id and no rollout written in the last two minutes');
      process.exit(0);
    }
    threadId = latest.threadId;
    transcriptPath = latest.path;
  }
  spoolAndSpawn('codex', {
    hook_event_name: 'Notify',
    session_id: threadId,
    transcript_path: transcriptPath,
    turn_id: typeof payload['turn-id'] === 'string' ? payload['turn-id'] : undefined,
    // Old payloads have no cwd; notify runs in Codex's own working folder.
    cwd: typeof payload.cwd === 'string' && isAbsolute(payload.cwd) ? payload.cwd : process.cwd(),
    last_assistant_message: typeof payload['last-assistant-message'] === 'string' ? payload['last-assistant-message'] : undefined,
    codex_home: codexHome,
  });
  process.exit(0);
}

/**
 * The most recently written rollout under today's or yesterday's date folder (local time, as
 * Codex names them), if written in the last two minutes: for notify payloads that name no thread.
 */
function latestRollout(codexHome) {
  const pad = (n) => String(n).padStart(2, '0');
  const folders = [0, 1].map((daysAgo) => {
    const d = new Date(Date.now() - daysAgo * 86_400_000);
    return join(codexHome, 'sessions', String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate()));
  });
  let best = null;
  for (const dir of folders) {
    let names;
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue; // no sessions that day
    }
    for (const name of names) {
      const m = /^rollout-.*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/.exec(name);
      if (!m) continue;
      try {
        const mtime = fs.statSync(join(dir, name)).mtimeMs;
        if (!best || mtime > best.mtime) best = { path: join(dir, name), threadId: m[1], mtime };
      } catch {
        // Moved (archived) since the listing.
      }
    }
  }
  return best && Date.now() - best.mtime < 120_000 ? best : null;
}

function notifyProblem(payload) {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return { level: 40, reason: 'not a JSON object' };
  if (payload.type !== 'agent-turn-complete') return { level: 30, reason: 'not agent-turn-complete' };
  const id = payload['thread-id'];
  if (id === undefined) return null;
  if (typeof id !== 'string' || !SAFE_ID.test(id) || id.includes('..')) return { level: 40, reason: 'unsafe thread-id' };
  return null;
}

module.exports = { MAX_STDIN_BYTES, STDIN_TIMEOUT_MS, stateDir, readStdin, payloadProblem, workerCommand, spawnDetached, runHook, runNotify };
