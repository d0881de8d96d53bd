import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { isAlive } from '../../src/state/session-lock.js';
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
  waitForWorkers,
} from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * Issue 13, finding 2: hooks of several sessions fire at once while lingering workers list their
 * spools. A worker that lists a job the hook has created but not yet filled must never see it:
 * every job is taken exactly once (the hook_fires counters say how many each worker took), none
 * is logged as invalid, and every session gets its entry at SessionEnd.
 */
describe('spool under load', () => {
  const root = tempDir();
  const home = join(root, 'home');
  after(() => {
    // Only finds a worker still there when an assertion failed first.
    stopWorkers(home);
    cleanup(root);
  });

  it('loses no job while hooks of many sessions race lingering workers', async () => {
    const repo = gitRepo(join(root, 'repo'), true);
    const sessions = Array.from({ length: 6 }, (_, i) => `load-${i}`);
    const stops = 15;
    const env = hookEnv(home, { SHIPLOG_WORKER_LINGER_SECONDS: '60', SHIPLOG_STOP_WAIT_MS: '0' });
    const transcripts = new Map(
      sessions.map((s, i) => [s, writeClaudeTranscript(join(root, `${s}.jsonl`), s, repo, [simpleTurn(i)])]),
    );
    // A large payload keeps the hook writing for a while: the old hook created the job file
    // first and filled it after, and a worker listing in between read a torn or empty job.
    // (Under the stdin pipe's size, so the hook's own one-second read cap is not what is tested.)
    const padding = 'x'.repeat(48 * 1024);
    const queue: string[] = [];
    for (let k = 0; k < stops; k++) for (const s of sessions) queue.push(s);
    const fire = async (input: string) => {
      const r = await runProcess('/bin/sh', [HOOK, process.execPath], { env, input });
      assert.equal(r.code, 0, r.stderr);
    };
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let s = queue.shift(); s !== undefined; s = queue.shift())
          await fire(stopPayload(s, transcripts.get(s) ?? '', repo, { padding }));
      }),
    );
    await Promise.all(sessions.map((s) => fire(sessionEndPayload(s, transcripts.get(s) ?? '', repo))));
    for (const s of sessions) await waitForWorkers(home, s, 120_000);

    const warnings = readFileSync(join(home, 'shiplog.log'), 'utf8')
      .split('\n')
      .filter((l) => /"level":[4-6]0/.test(l));
    assert.deepEqual(warnings, [], 'no job ignored, no run failed');
    const db = new Database(join(home, 'state.db'), { readonly: true });
    const fires = Object.fromEntries(
      (db.prepare('SELECT event, count FROM hook_fires').all() as { event: string; count: number }[]).map((r) => [
        r.event,
        r.count,
      ]),
    );
    db.close();
    assert.deepEqual(
      fires,
      { Stop: sessions.length * stops, SessionEnd: sessions.length },
      'every job taken exactly once',
    );
    const entries = readOutputs(repo, sessions[0] ?? '')
      .entries.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { transcript: { session_id: string } });
    assert.deepEqual(entries.map((e) => e.transcript.session_id).sort(), [...sessions].sort());
    assert.deepEqual(leftJobs(home), []);
  });
});

function leftJobs(home: string): string[] {
  const spool = join(home, 'spool');
  if (!existsSync(spool)) return [];
  return readdirSync(spool).flatMap((s) =>
    existsSync(join(spool, s))
      ? readdirSync(join(spool, s))
          .filter((n) => n.endsWith('.json'))
          .map((n) => `${s}/${n}`)
      : [],
  );
}

function stopWorkers(home: string): void {
  const spool = join(home, 'spool');
  if (!existsSync(spool)) return;
  for (const s of readdirSync(spool)) {
    const file = join(spool, s, 'worker.alive');
    if (!existsSync(file)) continue;
    try {
      const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; start: string | null };
      if (isAlive(owner.pid, owner.start)) process.kill(owner.pid, 'SIGKILL');
    } catch (err) {
      // Gone (or half-written by a dying worker) since the listing: nothing to stop.
      if (!(err instanceof SyntaxError) && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
