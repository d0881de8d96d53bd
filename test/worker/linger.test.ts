import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  cleanup,
  gitRepo,
  HOOK,
  hookEnv,
  readOutputs,
  runProcess,
  sessionEndPayload,
  stopPayload,
  tempDir,
} from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

/**
 * A worker stays alive for a while after its jobs, and the hooks of the next turns find it and
 * start no process; SessionEnd sends it away at once.
 */
describe('lingering worker', () => {
  const root = tempDir();
  let workerPid: number | undefined;
  after(async () => {
    // Only finds a worker still there when an assertion failed first.
    if (workerPid !== undefined && isRunning(workerPid)) {
      process.kill(workerPid, 'SIGTERM');
      await until(() => workerPid === undefined || !isRunning(workerPid), 'the worker to stop');
    }
    cleanup(root);
  });

  it('takes the next turns’ jobs without a new process, and leaves at SessionEnd', async () => {
    const repo = join(root, 'repo');
    gitRepo(repo);
    const home = join(root, 'home');
    const transcript = join(root, 'warm.jsonl');
    copyFileSync(claudeFixture('build'), transcript);
    const env = hookEnv(home, { SHIPLOG_WORKER_LINGER_SECONDS: '30', SHIPLOG_STOP_WAIT_MS: '0' });
    const aliveFile = join(home, 'spool', 'warm', 'worker.alive');

    for (let turn = 0; turn < 3; turn++) {
      const r = await runProcess('/bin/sh', [HOOK, process.execPath], {
        env,
        input: stopPayload('warm', transcript, repo),
      });
      assert.equal(r.code, 0);
      await until(() => runs(home).length === turn + 1, `run ${turn + 1}`);
    }
    const pids = new Set(runs(home).map((r) => r.pid));
    assert.equal(pids.size, 1, 'one worker process handled every turn');
    const [pid] = [...pids];
    workerPid = pid;
    assert.ok(pid !== undefined && isRunning(pid), 'still there, waiting for the next turn');
    assert.equal(JSON.parse(readFileSync(aliveFile, 'utf8')).pid, pid);

    const end = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env,
      input: sessionEndPayload('warm', transcript, repo),
    });
    assert.equal(end.code, 0);
    await until(() => !isRunning(pid), 'the worker to leave after SessionEnd');
    assert.equal(existsSync(aliveFile), false);
    assert.equal(runs(home).length, 4);
    assert.equal(readOutputs(repo, 'warm').entries.trim().split('\n').length, 1);
  });
});

function runs(home: string): { pid: number; status: string }[] {
  if (!existsSync(join(home, 'state.db'))) return [];
  const db = new Database(join(home, 'state.db'), { readonly: true, timeout: 5000 });
  try {
    // The first worker may not have created its tables yet.
    const hasRuns = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'runs'").get() !== undefined;
    if (!hasRuns) return [];
    return db
      .prepare("SELECT pid, status FROM runs WHERE session_id = 'warm' AND ended_at IS NOT NULL ORDER BY id")
      .all() as { pid: number; status: string }[];
  } finally {
    db.close();
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}
