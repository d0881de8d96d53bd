// 1. Hook cost: wall time of each real hook entry point ÷ wall time of `node -e 0`.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  HOOKS,
  NODE,
  SH,
  TAG,
  childEnv,
  expectOk,
  fmt,
  makeGitRepo,
  median,
  pidsMatching,
  run,
  sleep,
  spread,
  tempDir,
  waitForProcesses,
  waitForQuiet,
} from './common.mjs';
import { CORPUS, corpusFiles } from './transcripts.mjs';

export const HOOK_TARGET = 0.25;

/** What the node hooks cost before they became sh scripts, for comparison in the report. */
const NODE_HOOKS_BEFORE = 'the node hooks before (hooks/*.cjs, up to 84ca892) measured 1.03–1.11';

/** A real transcript (read only by the worker) and its last assistant text, as Stop would send. */
function realTranscript() {
  const file = corpusFiles().find((f) => f.endsWith('short.jsonl')) ?? corpusFiles()[0];
  let last = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      const rec = JSON.parse(line);
      const text = Array.isArray(rec.message?.content)
        ? rec.message.content.find((b) => b?.type === 'text')?.text
        : undefined;
      if (rec.type === 'assistant' && text) last = text;
    } catch {
      // blank or partial line
    }
  }
  return { file, last };
}

/** The smallest real Codex rollout of the corpus. */
function smallestCodexRollout() {
  const files = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^rollout-.*\.jsonl$/.test(e.name)) files.push(p);
    }
  };
  walk(join(CORPUS, 'codex'));
  if (files.length === 0) throw new Error(`no Codex rollouts under ${join(CORPUS, 'codex')}`);
  files.sort((a, b) => statSync(a).size - statSync(b).size || a.localeCompare(b));
  return files[0];
}

/** A copy of `source` under $CODEX_HOME/sessions as Codex keeps it, for the thread `threadId`. */
function placeRollout(codexHome, threadId, source) {
  const dir = join(codexHome, 'sessions', '2026', '02', '23');
  mkdirSync(dir, { recursive: true });
  // notify names the thread; the worker finds its rollout by the id at the end of the file name.
  const path = join(dir, `rollout-2026-02-23T12-40-23-${threadId}.jsonl`);
  copyFileSync(source, path);
  return path;
}

function claudeStop(sessionId, transcript, cwd, event = 'Stop') {
  return JSON.stringify({
    session_id: sessionId,
    transcript_path: transcript.file,
    cwd,
    prompt_id: '996a2142-91d0-43da-858f-e7e02af98699',
    permission_mode: 'acceptEdits',
    hook_event_name: event,
    stop_hook_active: false,
    last_assistant_message: transcript.last,
    background_tasks: [],
    session_crons: [],
  });
}

function codexStop(sessionId, rollout, cwd, event = 'Stop') {
  return JSON.stringify({
    session_id: sessionId,
    transcript_path: rollout,
    cwd,
    hook_event_name: event,
    model: 'gpt-5.5',
    permission_mode: 'bypassPermissions',
    ...(event === 'Stop' && { turn_id: 't1', stop_hook_active: false, last_assistant_message: 'Done.' }),
  });
}

function notifyJson(threadId, cwd) {
  return JSON.stringify({
    type: 'agent-turn-complete',
    'thread-id': threadId,
    'turn-id': 't1',
    cwd,
    'input-messages': [],
    'last-assistant-message': 'Done.',
  });
}

/** The entry points, as `shiplog install` registers them, each with its payload for a session. */
function entryPoints({ transcript, rollouts, repo }) {
  const claude = (session) => ({ args: [HOOKS.claude, NODE], input: claudeStop(session, transcript, repo) });
  const codex = (session) => ({ args: [HOOKS.codex, NODE], input: codexStop(session, rollouts[session], repo) });
  const notify = (session) => ({ args: [HOOKS.notify, NODE, notifyJson(session, repo)], input: '' });
  // The user's own notify program, which shiplog's starts first (detached) with the same JSON.
  const chained = (session) => ({ args: [HOOKS.notify, NODE, '/bin/true', notifyJson(session, repo)], input: '' });
  return [
    { key: 'claude', label: 'Claude Code hook', cmd: `sh hooks/claude-code.sh NODE  (Stop on stdin)`, make: claude },
    { key: 'codex', label: 'Codex hook', cmd: `sh hooks/codex.sh NODE  (Stop on stdin)`, make: codex },
    { key: 'notify', label: 'Codex notify', cmd: `sh hooks/codex-notify.sh NODE JSON`, make: notify },
    {
      key: 'notify+',
      label: 'Codex notify, chained',
      cmd: `sh hooks/codex-notify.sh NODE /bin/true JSON`,
      make: chained,
    },
  ];
}

/**
 * Alternates, in one run, `node -e 0`, a bare `/bin/sh -c :` (the floor any sh hook pays), and
 * each hook entry point twice: warm (a router is alive, as within worker.linger_seconds of the
 * last turn: the hook only writes the inbox) and cold (none is: the hook also starts one). Each
 * side runs as the client runs it: the hook's stdin a socket holding the payload, notify's JSON
 * its last argument. Between runs it waits for what the hook set off (the router routing the
 * payload, the worker taking the job; cold: router and worker gone) so nothing competes for the
 * cores with the next measurement and nothing outlives the bench. That wait is not counted.
 */
export async function benchHook({ quick }) {
  // The machine is shared and noisy (a do-nothing control varies by ±10%): many reps, medians.
  const reps = quick ? 12 : 40;
  const dir = tempDir('hook');
  const repo = makeGitRepo(join(dir, 'repo'));
  const codexHome = join(dir, 'codex-home');
  const transcript = realTranscript();
  const warmHome = join(dir, 'state-warm');
  const coldHome = join(dir, 'state-cold');
  for (const d of [warmHome, coldHome]) mkdirSync(d, { recursive: true });
  // One session per entry point and case; each Codex one has its rollout (notify names the thread).
  const sessions = {};
  for (const temp of ['warm', 'cold']) {
    for (const key of ['claude', 'codex', 'notify', 'notify+'])
      sessions[`${key}-${temp}`] = `${TAG}-${key.replace('+', '-chained')}-${temp}`;
  }
  const rolloutSource = smallestCodexRollout();
  const rollouts = {};
  for (const [k, s] of Object.entries(sessions))
    if (!k.startsWith('claude')) rollouts[s] = placeRollout(codexHome, s, rolloutSource);
  const points = entryPoints({ transcript, rollouts, repo });

  // SHIPLOG_STOP_WAIT_MS=0 only shortens the worker's wait for the transcript; the hooks never
  // look at it. Warm: the router (and each session's worker) lingers for the whole run; it is
  // sent away at the end. Cold: the router leaves as soon as the inbox is empty, the worker
  // right after its job, so the next cold hook finds none alive.
  // The clients' folders point into the temp folder too, so no worker's sweep looks at the user's.
  const base = { SHIPLOG_STOP_WAIT_MS: '0', CODEX_HOME: codexHome, CLAUDE_CONFIG_DIR: join(dir, 'claude-config') };
  const env = childEnv(base);
  const warmEnv = childEnv({ ...base, SHIPLOG_HOME: warmHome, SHIPLOG_WORKER_LINGER_SECONDS: '120' });
  const coldEnv = childEnv({ ...base, SHIPLOG_HOME: coldHome, SHIPLOG_WORKER_LINGER_SECONDS: '0' });

  const bare = [];
  const shFloor = [];
  const times = Object.fromEntries(
    points.flatMap((p) => [
      [`${p.key}-warm`, []],
      [`${p.key}-cold`, []],
    ]),
  );
  let coldWaitMs = 0;
  const odd = { restarted: 0, notWarm: 0, leftInInbox: 0, leftWhat: undefined };

  /** One hook run; checks it printed nothing and exited 0. */
  const hookRun = async (point, temp, e) => {
    const { args, input } = point.make(sessions[`${point.key}-${temp}`]);
    const r = expectOk(await run(SH, args, { env: e, input, cwd: repo }), `${point.label} (${temp})`);
    if (r.stdout !== '' || r.stderr !== '')
      throw new Error(`${point.label} printed: ${(r.stdout + r.stderr).slice(0, 200)}`);
    return r.ms;
  };

  const warmRun = async (point) => {
    const session = sessions[`${point.key}-warm`];
    // A router that died (a concurrent rebuild of dist/ can crash one) is replaced, untimed.
    if (routerPid(warmHome) === null) {
      odd.restarted++;
      await hookRun(point, 'warm', warmEnv);
      await settleWarm(warmHome, session);
    }
    const router = routerPid(warmHome);
    const ms = await hookRun(point, 'warm', warmEnv);
    await settleWarm(warmHome, session);
    // A run that found no router started one: not a warm run, not counted.
    if (routerPid(warmHome) !== router) odd.notWarm++;
    else times[`${point.key}-warm`].push(ms);
  };

  const coldRun = async (point) => {
    if (routerPid(coldHome) !== null) throw new Error('a router is alive before a cold run');
    // A marker left behind (its router died) must not make the hook take a stranger for a router.
    rmSync(join(coldHome, 'inbox', 'router.alive'), { force: true });
    const logFrom = logSize(coldHome);
    const ms = await hookRun(point, 'cold', coldEnv);
    coldWaitMs += await settleCold(point, sessions[`${point.key}-cold`], logFrom);
    times[`${point.key}-cold`].push(ms);
  };

  /**
   * Waits until what a cold hook set off is done: no process runs with the cold home (router,
   * worker, the chained notify program all inherit it), the payload is out of the inbox and the
   * job out of the spool. The state counts as well as the processes: a process caught in the
   * middle of an exec can be missed by a look at /proc.
   */
  const settleCold = async (point, session, logFrom) => {
    const started = Date.now();
    for (;;) {
      await waitForProcesses(`SHIPLOG_HOME=${coldHome}\0`, 30_000, { environ: true });
      if (payloadsIn(coldHome).length === 0 && !hasJobs(coldHome, session)) break;
      if (Date.now() - started > 30_000) {
        // A router that exited without routing the payload: the next one routes it. Said in the report.
        odd.leftInInbox++;
        odd.leftWhat ??= `${point.label}: ${payloadsIn(coldHome).join(', ') || 'a job in the spool'}; log: ${logSince(coldHome, logFrom) || 'nothing'}`;
        break;
      }
      await sleep(20);
    }
    return Date.now() - started;
  };

  try {
    // One untimed round warms the page cache (node, sh, the hooks, the worker) and starts the
    // warm home's router and workers.
    for (const p of points) {
      const logFrom = logSize(coldHome);
      await hookRun(p, 'cold', coldEnv);
      await settleCold(p, sessions[`${p.key}-cold`], logFrom);
      await hookRun(p, 'warm', warmEnv);
      await settleWarm(warmHome, sessions[`${p.key}-warm`]);
    }
    if (routerPid(warmHome) === null) throw new Error('no router alive after the warm-up: the hooks did not start one');

    for (let i = 0; i < reps; i++) {
      // Cold runs wait for a router and a worker to start and finish (a second or more on a busy
      // machine): they run every other round, so the bench stays within minutes.
      const withCold = i % 2 === 0;
      const steps = [
        async () => bare.push(expectOk(await run(NODE, ['-e', '0'], { env, cwd: repo }), 'node -e 0').ms),
        async () => shFloor.push(expectOk(await run(SH, ['-c', ':'], { env, cwd: repo }), 'sh -c :').ms),
        ...points.flatMap((p) => (withCold ? [() => warmRun(p), () => coldRun(p)] : [() => warmRun(p)])),
      ];
      // Rotate the order so no side always runs right after another's detached work ended.
      const shift = withCold ? i >> 1 : i;
      for (let k = 0; k < steps.length; k++) await steps[(shift + k) % steps.length]();
    }
  } finally {
    await sendAway(warmHome, warmEnv, { transcript, rollouts, repo, sessions });
    await waitForProcesses(`SHIPLOG_HOME=${coldHome}\0`, 15_000, { environ: true });
  }

  const m = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]));
  const base0 = median(bare);
  const ratio = (k) => m[k] / base0;
  // Headlines: the warm case, the usual one. Notify counts with and without a chained program (the worse).
  const headline = {
    claude: ratio('claude-warm'),
    codex: ratio('codex-warm'),
    notify: Math.max(ratio('notify-warm'), ratio('notify+-warm')),
  };
  const cold = {
    claude: ratio('claude-cold'),
    codex: ratio('codex-cold'),
    notify: Math.max(ratio('notify-cold'), ratio('notify+-cold')),
  };
  const worst = Math.max(...Object.values(headline));
  const pass = Object.values(headline).every((r) => r <= HOOK_TARGET);
  const row = (p, temp) => {
    const xs = times[`${p.key}-${temp}`];
    return `${temp} ${fmt(median(xs)).padStart(5)} ms (${spread(xs).padEnd(11)}) → ${fmt(median(xs) / base0, 3)}`;
  };
  const width = Math.max(...points.map((p) => p.cmd.length));
  return {
    name: 'Hook cost',
    ratio: worst,
    target: `≤ ${HOOK_TARGET} each`,
    pass,
    summary: `warm: claude ${fmt(headline.claude, 3)} · codex ${fmt(headline.codex, 3)} · notify ${fmt(headline.notify, 3)}; cold (starts the router): ${fmt(cold.claude, 3)} · ${fmt(cold.codex, 3)} · ${fmt(cold.notify, 3)}; node -e 0 ${fmt(base0)} ms`,
    details: [
      `runs: ${reps} rounds in one run, each side once per round in rotated order (cold hooks every other round: ${times['claude-cold'].length} each); wall time spawn→exit of each child; the hooks' stdin is a socket holding the payload, as Claude Code 2.1.330 gives it; notify's JSON is its last argument`,
      `measured: the highest warm ratio of the three entry points; PASS when each is ≤ ${HOOK_TARGET} (notify: the worse of with and without a chained program)`,
      `node -e 0:        median ${fmt(base0)} ms (range ${spread(bare)})`,
      `/bin/sh -c :      median ${fmt(median(shFloor))} ms (range ${spread(shFloor)}) → ${fmt(median(shFloor) / base0, 3)}  [the floor: starting the shell]`,
      `warm = a router alive (every turn within worker.linger_seconds of the last); cold = none (the hook also starts one: node dist/src/worker/entry.js --inbox, detached)`,
      ...points.map((p) => `${p.cmd.padEnd(width)}  ${row(p, 'warm')}   ${row(p, 'cold')}`),
      `payloads: Claude Stop for ${transcript.file.split('/').slice(-2).join('/')}; Codex Stop and notify for a copy of ${basename(rolloutSource)} under $CODEX_HOME/sessions; chained program /bin/true`,
      `detached work, not counted: waited for the router to route each payload and the worker to take it (warm), for router and worker to exit (cold: ${fmt(coldWaitMs / Math.max(1, times['claude-cold'].length * points.length))} ms avg)`,
      ...(odd.restarted + odd.notWarm + odd.leftInInbox > 0
        ? [
            `oddities: ${odd.restarted} warm router(s) found dead and restarted untimed, ${odd.notWarm} warm run(s) that started a router (not counted), ${odd.leftInInbox} cold run(s) whose payload was not routed or job not taken within 30 s${odd.leftWhat ? ` (first: ${odd.leftWhat})` : ''}`,
          ]
        : []),
      `for comparison, ${NODE_HOOKS_BEFORE}`,
    ],
  };
}

/**
 * The pid in inbox/router.alive when that process is alive and runs with this home, else null
 * (a marker left by a router that died, or naming a pid the kernel has since reused).
 */
function routerPid(home) {
  let pid;
  try {
    pid = Number(readFileSync(join(home, 'inbox', 'router.alive'), 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`SHIPLOG_HOME=${home}\0`) ? pid : null;
  } catch {
    return null;
  }
}

const logSize = (home) => (existsSync(join(home, 'shiplog.log')) ? statSync(join(home, 'shiplog.log')).size : 0);

/** The messages of log lines written since byte `from`, for the report. */
function logSince(home, from) {
  if (logSize(home) <= from) return '';
  const text = readFileSync(join(home, 'shiplog.log')).subarray(from).toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      try {
        const j = JSON.parse(l);
        return `${j.name ?? '?'} ${j.level}: ${j.msg}${j.err?.message ? ` (${j.err.message})` : ''}`;
      } catch {
        return l.slice(0, 120);
      }
    })
    .join(' / ')
    .slice(0, 400);
}

/** Payload files (and .part files) in a home's inbox. */
function payloadsIn(home) {
  try {
    return readdirSync(join(home, 'inbox')).filter((n) => n !== 'router.alive');
  } catch {
    return [];
  }
}

/** Whether the session's spool holds a job no worker has taken yet. */
function hasJobs(home, sessionId) {
  try {
    return readdirSync(join(home, 'spool', sessionId)).some((n) => n.endsWith('.json'));
  } catch {
    return false;
  }
}

/** Waits until the lingering router routed the payload and the session's worker took its job, and both sleep again. */
async function settleWarm(home, sessionId) {
  const deadline = Date.now() + 30_000;
  while (payloadsIn(home).length > 0 || hasJobs(home, sessionId)) {
    if (Date.now() > deadline)
      throw new Error(
        `the lingering router and worker did not take the job within 30 s (inbox: ${payloadsIn(home).join(', ') || 'empty'})`,
      );
    await sleep(10);
  }
  await waitForQuiet(`SHIPLOG_HOME=${home}\0`);
}

/**
 * Ends the warm home's processes: SessionEnd to the Claude Code and Codex sessions (their workers
 * finish and leave), then SIGTERM to the router and to anything else still running with this
 * home (the notify sessions' workers, which get no SessionEnd); SIGKILL to whatever is left
 * after 15 s.
 */
async function sendAway(home, env, { transcript, rollouts, repo, sessions }) {
  const needle = `SHIPLOG_HOME=${home}\0`;
  try {
    for (const [args, input] of [
      [[HOOKS.claude, NODE], claudeStop(sessions['claude-warm'], transcript, repo, 'SessionEnd')],
      [[HOOKS.codex, NODE], codexStop(sessions['codex-warm'], rollouts[sessions['codex-warm']], repo, 'SessionEnd')],
    ]) {
      await run(SH, args, { env, input, cwd: repo });
    }
    const deadline = Date.now() + 10_000;
    while (payloadsIn(home).length > 0 && Date.now() < deadline) await sleep(20);
  } finally {
    // The router (its pid is in inbox/router.alive) and the workers all carry this home.
    for (const pid of pidsMatching(needle, { environ: true })) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Gone meanwhile.
      }
    }
    await waitForProcesses(needle, 15_000, { environ: true });
  }
}
