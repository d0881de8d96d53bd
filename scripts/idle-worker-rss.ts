// Resident memory of a lingering worker that has done its run and waits for the next turn.
// Run: [TURNS=n] node --import tsx scripts/idle-worker-rss.ts [seconds idle, default 10]
// (TURNS: turns in the session the worker has just read, default 20.)
// Prints VmRSS (from /proc/<pid>/status) right after the run and then each second it idles.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleTurn, writeClaudeTranscript } from '../test/synthetic.js';

const HOOK = new URL('../hooks/claude-code.sh', import.meta.url).pathname;
const idleSeconds = Number(process.argv[2] ?? 10);
const root = mkdtempSync(join(tmpdir(), 'shiplog-idle-rss-'));
const repo = join(root, 'repo');
mkdirSync(repo);
spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
const home = join(root, 'home');
const env = {
  ...process.env,
  SHIPLOG_HOME: home,
  SHIPLOG_WORKER_LINGER_SECONDS: '600',
  SHIPLOG_STOP_WAIT_MS: '0',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
};
delete (env as NodeJS.ProcessEnv).SHIPLOG_INTERNAL;
// A few turns of work, so the worker has parsed, folded and written what a real turn makes.
const transcript = writeClaudeTranscript(
  join(root, 'idle.jsonl'),
  'idle',
  repo,
  Array.from({ length: Number(process.env.TURNS ?? 20) }, (_, i) => simpleTurn(i)),
);

const fire = (event: string) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn('/bin/sh', [HOOK, process.execPath], { env, stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`hook exited ${code}`))));
    child.stdin.end(
      JSON.stringify({
        session_id: 'idle',
        transcript_path: transcript,
        cwd: repo,
        hook_event_name: event,
        reason: 'other',
      }),
    );
  });
const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const logText = () => (existsSync(join(home, 'shiplog.log')) ? readFileSync(join(home, 'shiplog.log'), 'utf8') : '');

try {
  await fire('Stop');
  while (!logText().includes('"run done"')) await sleep(20);
  const pid = (JSON.parse(readFileSync(join(home, 'spool', 'idle', 'worker.alive'), 'utf8')) as { pid: number }).pid;
  const samples: number[] = [rssKiB(pid)];
  for (let s = 1; s <= idleSeconds; s++) {
    await sleep(1000);
    samples.push(rssKiB(pid));
  }
  console.log(
    `idle lingering worker ${pid}: VmRSS after the run ${(samples[0]! / 1024).toFixed(1)} MB; each idle second: ${samples
      .slice(1)
      .map((k) => (k / 1024).toFixed(1))
      .join(' ')} MB`,
  );
  await fire('SessionEnd');
  while (existsSync(`/proc/${pid}`)) await sleep(50);
} finally {
  rmSync(root, { recursive: true, force: true });
}
