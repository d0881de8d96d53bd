// Cheap start: the CPU time of `shiplog process` on a 5 KB increment and of `shiplog status`,
// each ÷ that of `node -e 0` on the same machine in the same run.
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, NODE, REPO_ROOT, TAG, childEnv, fmt, makeGitRepo, median, note, spread, tempDir } from './common.mjs';

export const START_TARGET = 2;
const INCREMENT_BYTES = 5000;
const FIXTURE = join(
  REPO_ROOT,
  'test',
  'fixtures',
  'claude-code',
  'long',
  '126091e4-5d9a-419f-892b-d5ce55de4be8.jsonl',
);
/** `shiplog status` starts a background sweep unless one ran in the last minute (src/worker/sweep-every.ts). */
const SWEEP_FRESH_MS = 45_000;

/**
 * CPU seconds (user + system) that reaped children have used: the kernel adds a child's own and
 * its reaped descendants' (the git runs of `shiplog process`) when it is reaped. A detached
 * process nobody waits for is not counted. Linux /proc; clock ticks, 10 ms on most systems.
 */
function childrenCpu() {
  const fields = readFileSync('/proc/self/stat', 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS;
}

const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** Runs a command to completion and returns the CPU seconds it and its reaped children used. */
function cpuOf(cmd, args, env, what) {
  const before = childrenCpu();
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, env, encoding: 'utf8' });
  const cpu = childrenCpu() - before;
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status ?? r.signal}\n${(r.stderr ?? '').slice(-2000)}`);
  return cpu;
}

/**
 * Consecutive slices of whole lines of a real transcript, each at least `bytes` long. Lines longer
 * than a slice (a pasted file, a long tool result) are left out: one would make its slice that big.
 */
function increments(count, bytes) {
  const lines = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && Buffer.byteLength(l) < bytes);
  const out = [];
  let cur = '';
  for (const line of lines) {
    cur += `${line}\n`;
    if (Buffer.byteLength(cur) >= bytes) {
      out.push(cur);
      cur = '';
      if (out.length === count) return out;
    }
  }
  throw new Error(`${FIXTURE} holds ${out.length} increments of ${bytes} bytes; ${count} are needed`);
}

export async function benchStart({ quick }) {
  if (process.platform !== 'linux')
    return {
      name: 'Cheap start',
      target: `≤ ${START_TARGET}`,
      skipped: 'reads children’s CPU time from /proc (Linux only)',
    };
  const reps = quick ? 7 : 15;
  const dir = tempDir('start');
  const repo = makeGitRepo(join(dir, 'repo'));
  const sessionId = `${TAG}-start`;
  const transcript = join(dir, `${sessionId}.jsonl`);
  // A home of its own: git reads no user config, and a sweep finds no real sessions.
  const env = childEnv({ SHIPLOG_HOME: join(dir, 'state'), HOME: tempDir('start-home') });
  const slices = increments(reps + 1, INCREMENT_BYTES);
  const processArgs = [CLI, 'process', transcript, '--repo', repo, '--session', sessionId, '--keep-open'];

  // The first increment makes the state folder and the session, untimed: every timed run then
  // reads 5 KB more of a session the state already holds, as a hook's run does.
  writeFileSync(transcript, slices[0]);
  cpuOf(NODE, processArgs, env, 'shiplog process');
  let swept = 0;
  const keepSweepFresh = () => {
    if (Date.now() - swept < SWEEP_FRESH_MS) return;
    cpuOf(NODE, [CLI, 'sweep'], env, 'shiplog sweep');
    swept = Date.now();
  };

  const base = [];
  const proc = [];
  const status = [];
  for (let i = 0; i < reps; i++) {
    const steps = [
      () => base.push(cpuOf(NODE, ['-e', '0'], env, 'node -e 0')),
      () => {
        appendFileSync(transcript, slices[i + 1]);
        proc.push(cpuOf(NODE, processArgs, env, 'shiplog process'));
      },
      () => {
        keepSweepFresh();
        status.push(cpuOf(NODE, [CLI, 'status'], env, 'shiplog status'));
      },
    ];
    for (let k = 0; k < steps.length; k++) steps[(i + k) % steps.length]();
    note(
      `start: rep ${i + 1}/${reps}: node ${fmt(base.at(-1))} s, process ${fmt(proc.at(-1))} s, status ${fmt(status.at(-1))} s CPU`,
    );
  }

  const sizes = slices.slice(1).map((s) => Buffer.byteLength(s));
  const baseline = median(base);
  const row = (name, xs, what) => {
    const ratio = median(xs) / baseline;
    return {
      name,
      ratio,
      target: `≤ ${START_TARGET}`,
      pass: ratio <= START_TARGET,
      summary: `${fmt(median(xs))} s / node -e 0 ${fmt(baseline)} s CPU`,
      details: [
        what,
        `CPU time = user + system of the process and of the children it waited for (process: its git runs), read from /proc/self/stat once each is reaped (${1000 / TICKS} ms ticks); median of ${reps} runs, interleaved with node -e 0 and the other command`,
        `this command: median ${fmt(median(xs))} s (${spread(xs)} s); node -e 0: median ${fmt(baseline)} s (${spread(base)} s)`,
      ],
    };
  };
  return [
    row(
      'Cheap start: process',
      proc,
      `shiplog process --keep-open of one session, ${spread(sizes.map((b) => b / 1000))} KB of whole lines (each under 5 KB) of test/fixtures/claude-code/long appended before each run (the state folder, the session and a git repository with one commit already there, as for a hook's run)`,
    ),
    row(
      'Cheap start: status',
      status,
      `shiplog status over that state folder (one session); a sweep ran in the last minute, so status starts none in the background (the first status of a minute also starts one, which it does not wait for)`,
    ),
  ];
}
