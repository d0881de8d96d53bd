import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import {
  cleanup,
  gitRepo,
  hookEnv,
  prng,
  readOutputs,
  runInProcess,
  tempDir,
  waitForWorkers,
  WORKER,
} from '../helpers.js';

type Agent = 'claude-code' | 'codex';
export interface CrashCase {
  agent: Agent;
  session: string;
  dir: string;
  file: string;
  /** The folder of subagent transcripts beside the main one. */
  companion?: string;
}

/** Leaves a job in the spool exactly as the hook does, so the worker can be started by hand. */
function spoolJob(
  home: string,
  agent: Agent,
  session: string,
  event: 'Stop' | 'SessionEnd',
  transcript: string,
  cwd: string,
  n: number,
): void {
  const dir = join(home, 'spool', session);
  mkdirSync(dir, { recursive: true });
  const payload = {
    session_id: session,
    transcript_path: transcript,
    cwd,
    hook_event_name: event,
    ...(event === 'SessionEnd' && { reason: 'other' }),
  };
  writeFileSync(
    join(dir, `${String(n).padStart(15, '0')}-test.json`),
    JSON.stringify({ v: 1, agent, received_at: new Date().toISOString(), payload }),
  );
}

function startWorker(home: string, session: string) {
  const child = spawn(process.execPath, [WORKER, session], {
    env: hookEnv(home, { SHIPLOG_STOP_WAIT_MS: '0' }),
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited };
}

/** Workers SIGKILLed at random moments while the transcript grows must converge to a clean run's output. */
export function describeCrash(title: string, cases: CrashCase[]): void {
  describe(title, () => {
    const root = tempDir();
    after(() => cleanup(root));

    for (const c of cases)
      it(`${c.agent}: SIGKILL at random moments, at least 50 times, then one more run converges to a clean run`, async () => {
        const SESSION = c.session;
        const repo = join(root, c.agent, 'repo');
        gitRepo(repo);
        const projects = join(root, c.agent, 'projects');
        mkdirSync(projects, { recursive: true });
        const src = join(c.dir, c.file);
        if (c.companion) cpSync(join(c.dir, c.companion), join(projects, c.companion), { recursive: true });
        const transcript = join(projects, c.file);
        const bytes = readFileSync(src);

        writeFileSync(transcript, bytes);
        await runInProcess(join(root, c.agent, 'clean-home'), {
          sessionId: SESSION,
          agent: c.agent,
          transcriptPath: transcript,
          cwd: repo,
          trigger: 'test',
          close: 'session-end',
        });
        const clean = readOutputs(repo, SESSION);
        rmSync(join(repo, '.devlog'), { recursive: true });
        rmSync(join(repo, '.changelog'), { recursive: true });

        // The transcript grows while workers are killed: 80 runs while it grows, then 30 more
        // around the SessionEnd that closes the window and appends the entry.
        const home = join(root, c.agent, 'home');
        const rand = prng(42);
        writeFileSync(transcript, '');
        const growth = 80;
        let kills = 0;
        for (let i = 0; i < 110; i++) {
          if (i < growth)
            appendFileSync(
              transcript,
              bytes.subarray(Math.floor((bytes.length * i) / growth), Math.floor((bytes.length * (i + 1)) / growth)),
            );
          spoolJob(home, c.agent, SESSION, i < growth ? 'Stop' : 'SessionEnd', transcript, repo, i);
          const w = startWorker(home, SESSION);
          await Promise.race([sleep(Math.floor(rand() * 300)), w.exited]);
          if (w.child.exitCode === null && w.child.signalCode === null) {
            w.child.kill('SIGKILL');
            kills++;
          }
          await w.exited;
        }
        assert.ok(kills >= 50, `only ${kills} workers were still running when killed`);

        appendFileSync(transcript, bytes.subarray(bytes.length));
        spoolJob(home, c.agent, SESSION, 'SessionEnd', transcript, repo, 1000);
        const last = startWorker(home, SESSION);
        await last.exited;
        await waitForWorkers(home, SESSION);
        const out = readOutputs(repo, SESSION);
        assert.equal(out.devlog, clean.devlog);
        assert.equal(out.entries, clean.entries);
        assert.equal(out.failures, '');
      });
  });
}
