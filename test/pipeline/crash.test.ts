import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { CLAUDE_CORPUS, cleanup, gitRepo, hookEnv, prng, readOutputs, runInProcess, tempDir, waitForWorkers, WORKER } from '../helpers.js';

const SESSION = '4d5611e5-241a-462a-8d15-5122611a9569';

/** Leaves a job in the spool exactly as the hook does, so the worker can be started by hand. */
function spoolJob(home: string, event: 'Stop' | 'SessionEnd', transcript: string, cwd: string, n: number): void {
  const dir = join(home, 'spool', SESSION);
  mkdirSync(dir, { recursive: true });
  const payload = { session_id: SESSION, transcript_path: transcript, cwd, hook_event_name: event, ...(event === 'SessionEnd' && { reason: 'other' }) };
  writeFileSync(join(dir, `${String(n).padStart(15, '0')}-test.json`), JSON.stringify({ v: 1, agent: 'claude-code', received_at: new Date().toISOString(), payload }));
}

function startWorker(home: string) {
  const child = spawn(process.execPath, [WORKER, SESSION], { env: hookEnv(home, { SHIPLOG_STOP_WAIT_MS: '0' }), stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited };
}

describe('crash safety', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('SIGKILL at random moments, at least 50 times, then one more run converges to a clean run', async () => {
    const repo = join(root, 'repo');
    gitRepo(repo);
    const projects = join(root, 'projects');
    mkdirSync(projects);
    const src = join(CLAUDE_CORPUS, 'spotter', `${SESSION}.jsonl`);
    cpSync(join(CLAUDE_CORPUS, 'spotter', SESSION), join(projects, SESSION), { recursive: true });
    const transcript = join(projects, `${SESSION}.jsonl`);
    const bytes = readFileSync(src);

    writeFileSync(transcript, bytes);
    await runInProcess(join(root, 'clean-home'), { sessionId: SESSION, agent: 'claude-code', transcriptPath: transcript, cwd: repo, trigger: 'test', close: 'session-end' });
    const clean = readOutputs(repo, SESSION);
    rmSync(join(repo, '.devlog'), { recursive: true });
    rmSync(join(repo, '.changelog'), { recursive: true });

    // The transcript grows while workers are killed: 80 runs while it grows, then 30 more
    // around the SessionEnd that closes the window and appends the entry.
    const home = join(root, 'home');
    const rand = prng(42);
    writeFileSync(transcript, '');
    const growth = 80;
    let kills = 0;
    for (let i = 0; i < 110; i++) {
      if (i < growth) appendFileSync(transcript, bytes.subarray(Math.floor((bytes.length * i) / growth), Math.floor((bytes.length * (i + 1)) / growth)));
      spoolJob(home, i < growth ? 'Stop' : 'SessionEnd', transcript, repo, i);
      const w = startWorker(home);
      await Promise.race([sleep(Math.floor(rand() * 300)), w.exited]);
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill('SIGKILL');
        kills++;
      }
      await w.exited;
    }
    assert.ok(kills >= 50, `only ${kills} workers were still running when killed`);

    appendFileSync(transcript, bytes.subarray(bytes.length));
    spoolJob(home, 'SessionEnd', transcript, repo, 1000);
    const last = startWorker(home);
    await last.exited;
    await waitForWorkers(home, SESSION);
    const out = readOutputs(repo, SESSION);
    assert.equal(out.devlog, clean.devlog);
    assert.equal(out.entries, clean.entries);
    assert.equal(out.failures, '');
  });
});
