// 1. Hook cost: wall time of the real hook process ÷ wall time of `node -e 0`.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOOK, NODE, TAG, childEnv, expectOk, fmt, makeGitRepo, median, run, spread, tempDir, waitForProcesses } from './common.mjs';
import { corpusFiles } from './transcripts.mjs';

export const HOOK_TARGET = 1.15;

/** A real transcript (read only by the worker) and its last assistant text, as Stop would send. */
function realTranscript() {
  const file = corpusFiles().find((f) => f.endsWith('short.jsonl')) ?? corpusFiles()[0];
  let last = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      const rec = JSON.parse(line);
      const text = Array.isArray(rec.message?.content) ? rec.message.content.find((b) => b?.type === 'text')?.text : undefined;
      if (rec.type === 'assistant' && text) last = text;
    } catch {
      // blank or partial line
    }
  }
  return { file, last };
}

function stopPayload(sessionId, transcript, cwd, event = 'Stop') {
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

/**
 * Alternates `node -e 0`, the real hook, and the hook with SHIPLOG_INTERNAL=1 (it exits right
 * after its imports: startup + module loading only). After each hook run, waits for the detached
 * worker it started (found by its unique session id on its command line) so no worker competes
 * for the 2 cores with the next measurement and none outlives the bench.
 */
export async function benchHook({ quick }) {
  // The machine is shared and noisy (a do-nothing control varies by ±10%): many reps, medians.
  const reps = quick ? 10 : 60;
  const dir = tempDir('hook');
  const home = join(dir, 'state');
  const repo = makeGitRepo(join(dir, 'repo'));
  mkdirSync(home, { recursive: true });
  // SHIPLOG_STOP_WAIT_MS=0 only shortens the detached worker's wait for the transcript; the hook
  // itself never looks at it. Worker time is not measured either way.
  const env = childEnv({ SHIPLOG_HOME: home, SHIPLOG_STOP_WAIT_MS: '0' });
  const transcript = realTranscript();
  const bare = [];
  const hook = [];
  const importsOnly = [];
  let workerWaitMs = 0;

  // Cold: every hook starts a worker (the first hook of a session, or one after the worker left).
  const coldEnv = { ...env, SHIPLOG_WORKER_LINGER_SECONDS: '0' };
  // Warm: the worker of the previous turn is still alive (it lingers), so the hook only spools.
  const warmEnv = { ...env, SHIPLOG_WORKER_LINGER_SECONDS: '120' };
  const warmSession = `${TAG}-hook-warm`;
  const warm = [];

  // One untimed round warms the page cache for node, the hook files and the worker, and starts
  // the lingering worker of the warm session.
  await runHookOnce(coldEnv, transcript, repo, 'warm-up');
  await runWarmHook(warmEnv, transcript, repo, home, warmSession);

  for (let i = 0; i < reps; i++) {
    // Rotate the order so no side always runs right after a worker finished.
    const steps = [
      async () => bare.push(expectOk(await run(NODE, ['-e', '0'], { env }), 'node -e 0').ms),
      async () => {
        const r = await runHookOnce(coldEnv, transcript, repo, i);
        hook.push(r.ms);
        workerWaitMs += r.workerWaitMs;
      },
      async () => warm.push(await runWarmHook(warmEnv, transcript, repo, home, warmSession)),
      async () =>
        importsOnly.push(expectOk(await run(NODE, [HOOK], { env: { ...env, SHIPLOG_INTERNAL: '1' }, input: '{}' }), 'hook (imports only)').ms),
    ];
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
  }
  // Send the lingering worker away and wait for it, so it does not outlive the bench.
  expectOk(await run(NODE, [HOOK], { env: warmEnv, input: stopPayload(warmSession, transcript, repo, 'SessionEnd') }), 'hook (SessionEnd)');
  await waitForProcesses(`${warmSession}\0`);

  const ratio = median(warm) / median(bare);
  const coldRatio = median(hook) / median(bare);
  return {
    name: 'Hook cost',
    ratio,
    target: `≤ ${HOOK_TARGET}`,
    pass: ratio <= HOOK_TARGET,
    summary: `hook ${fmt(median(warm))} ms / node -e 0 ${fmt(median(bare))} ms (starting a worker: ${fmt(coldRatio)})`,
    details: [
      `runs: ${reps} of each side, alternating; wall time spawn→exit of each child process; the hook's stdin is a socket, as Claude Code 2.1.330 gives it`,
      `node -e 0:                      median ${fmt(median(bare))} ms (range ${spread(bare)})`,
      `hook, worker alive (the usual case: every turn after the first, within worker.linger_seconds):`,
      `  node hooks/claude-code.cjs:   median ${fmt(median(warm))} ms (range ${spread(warm)}) → ratio ${fmt(ratio)}`,
      `hook that starts the worker (first turn of a session, or after the worker left):`,
      `  node hooks/claude-code.cjs:   median ${fmt(median(hook))} ms (range ${spread(hook)}) → ratio ${fmt(coldRatio)}  [Stop payload, ${transcript.file.split('/').slice(-2).join('/')}]`,
      `  same, SHIPLOG_INTERNAL=1:     median ${fmt(median(importsOnly))} ms (range ${spread(importsOnly)})  [startup + imports only → ratio ${fmt(median(importsOnly) / median(bare), 3)}]`,
      `  work after imports (stdin, spool, loading child_process, fork): ~${fmt(median(hook) - median(importsOnly))} ms`,
      `detached workers: waited for each to finish (cold) or to take its job (warm) before the next run (cold ${fmt(workerWaitMs / reps)} ms avg, not counted)`,
    ],
  };
}

/** One hook run for the session whose worker stays alive; waits until the worker took the job. */
async function runWarmHook(env, transcript, repo, home, sessionId) {
  const r = expectOk(await run(NODE, [HOOK], { env, input: stopPayload(sessionId, transcript, repo), capture: true }), 'hook (warm)');
  if (r.stdout !== '') throw new Error(`the hook printed to stdout: ${r.stdout.slice(0, 200)}`);
  const spool = join(home, 'spool', sessionId);
  const deadline = Date.now() + 30_000;
  while (existsSync(spool) && readdirSync(spool).some((n) => n.endsWith('.json'))) {
    if (Date.now() > deadline) throw new Error('the lingering worker did not take the job within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return r.ms;
}

async function runHookOnce(env, transcript, repo, i) {
  const sessionId = `${TAG}-hook-${i}`;
  const r = expectOk(await run(NODE, [HOOK], { env, input: stopPayload(sessionId, transcript, repo), capture: true }), 'hook');
  if (r.stdout !== '') throw new Error(`the hook printed to stdout: ${r.stdout.slice(0, 200)}`);
  // The worker's argv is `entry.js <session_id>` (NUL-terminated in /proc): wait for it, kill it after 15 s.
  const workerWaitMs = await waitForProcesses(`${sessionId}\0`);
  return { ms: r.ms, workerWaitMs };
}
