import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger } from '../../src/log.js';
import { openDb } from '../../src/state/db.js';
import { getSession } from '../../src/state/sessions.js';
import { releaseLock, tryLock } from '../../src/state/session-lock.js';
import { closeIdleWindows } from '../../src/worker/idle-sweep.js';
import { configFor } from '../../src/worker/main.js';
import { cleanup, gitRepo, readOutputs, runInProcess, tempDir } from '../helpers.js';
import { writeClaudeTranscript } from '../synthetic.js';

/**
 * The idle sweep a worker makes on its way out: other sessions' windows, open and quiet for
 * longer than the idle time, are closed so each gets its entry. Real transcripts, a real
 * state.db, the whole pipeline; the sessions' last runs are dated by the run's own clock.
 */

const root = tempDir();
after(() => cleanup(root));

const HOUR = 3_600_000;

function world(name: string) {
  const base = join(root, name);
  const repo = gitRepo(join(base, 'repo'), true);
  const home = join(base, 'state');
  mkdirSync(home, { recursive: true });
  // The user's config folder is this world's (empty): the default idle time, 30 minutes.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: base, XDG_CONFIG_HOME: join(base, 'config') };
  /** A session with one turn of work read by a run at `at`, its window left open. */
  const session = async (id: string, at: Date) => {
    const transcript = join(base, `${id}.jsonl`);
    writeClaudeTranscript(transcript, id, repo, [
      {
        prompt: `Add ${id}.sh`,
        write: { path: join(repo, `${id}.sh`), content: 'echo hi\n' },
        reply: `Added ${id}.sh.`,
      },
    ]);
    await runInProcess(
      home,
      { sessionId: id, agent: 'claude-code', transcriptPath: transcript, cwd: repo, trigger: 'test' },
      undefined,
      undefined,
      at,
    );
  };
  const sweepIdle = async () => {
    const db = openDb(home);
    try {
      await closeIdleWindows({ dir: home, db, log: createLogger(home, 'test'), env, configFor, busyMs: 5000 });
    } finally {
      db.close();
    }
  };
  const entries = (id: string) =>
    readOutputs(repo, id)
      .entries.split('\n')
      .filter((l) => l.includes(`"${id}.sh"`));
  return { home, session, sweepIdle, entries };
}

describe('the idle sweep', () => {
  it('closes the open windows of sessions quiet for longer than the idle time, once, and no others', async () => {
    const w = world('idle');
    await w.session('quiet', new Date(Date.now() - 2 * HOUR));
    await w.session('live', new Date());
    assert.deepEqual([w.entries('quiet'), w.entries('live')], [[], []], 'no window closed by the runs');

    await w.sweepIdle();
    assert.equal(w.entries('quiet').length, 1, 'the quiet session gets its entry');
    assert.deepEqual(w.entries('live'), [], 'a session that ran a moment ago keeps its window open');
    const db = openDb(w.home);
    try {
      assert.equal(getSession(db, 'quiet')?.ended_at, null, 'an idle close does not end the session');
    } finally {
      db.close();
    }

    await w.sweepIdle();
    assert.equal(w.entries('quiet').length, 1, 'closed once');
  });

  it('leaves a session another process holds to that process', async () => {
    const w = world('locked');
    await w.session('held', new Date(Date.now() - 2 * HOUR));
    const db = openDb(w.home);
    const lock = tryLock(db, 'held');
    assert.ok(lock);
    try {
      await w.sweepIdle();
      assert.deepEqual(w.entries('held'), [], 'not read while locked');
    } finally {
      releaseLock(db, lock);
      db.close();
    }
    await w.sweepIdle();
    assert.equal(w.entries('held').length, 1, 'closed once the lock is free');
  });
});
