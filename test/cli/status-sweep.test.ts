import assert from 'node:assert/strict';
import { mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, it } from 'node:test';
import { openDb } from '../../src/state/db.js';
import { getMeta, setMeta } from '../../src/state/meta.js';
import { sweepInBackground } from '../../src/worker/sweep-soon.js';
import { CLI, cleanup, gitRepo, hookEnv, readOutputs, runProcess, tempDir } from '../helpers.js';
import { writeClaudeTranscript } from '../synthetic.js';

const root = tempDir();
after(() => cleanup(root));

/**
 * Issue 16, item 2: `shiplog status` (and doctor) start the catch-up sweep in the background, so
 * a session whose client was killed, which no hook will ever report, gets its devlog and entry
 * once somebody looks, without waiting for another session's worker.
 */
it('shiplog status starts a sweep in the background that writes the entry of a session no hook reported', async () => {
  const repo = gitRepo(join(root, 'repo'), true);
  const home = join(root, 'state');
  const claudeDir = join(root, 'claude');
  const project = join(claudeDir, 'projects', '-repo');
  mkdirSync(project, { recursive: true });
  const db = openDb(home);
  setMeta(db, 'installed_at', new Date(Date.now() - 4 * 3_600_000).toISOString());
  db.close();
  const transcript = writeClaudeTranscript(join(project, 'killed.jsonl'), 'killed', repo, [
    {
      prompt: 'Add a greeting script',
      write: { path: join(repo, 'greet.sh'), content: 'echo hi\n' },
      reply: 'Added greet.sh.',
    },
  ]);
  // Written hours ago and never again: the client died, its window is idle.
  const then = new Date(Date.now() - 3 * 3_600_000);
  utimesSync(transcript, then, then);
  const env = hookEnv(home, { CLAUDE_CONFIG_DIR: claudeDir, CODEX_HOME: join(root, 'no-codex'), HOME: root });

  const status = await runProcess(process.execPath, [CLI, 'status'], { env });
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /No sessions recorded yet/, 'status itself only reads');
  // The detached sweep's work is the event waited for; the bound only stops a broken run.
  for (let i = 0; i < 1200 && readOutputs(repo, 'killed').entries === ''; i++) await sleep(50);
  const entries = readOutputs(repo, 'killed').entries.trim().split('\n');
  assert.equal(entries.length, 1);
  assert.match(entries[0] ?? '', /greet\.sh/);
  assert.match((await runProcess(process.execPath, [CLI, 'status'], { env })).stdout, /killed/);
});

it('starts no sweep when one ran in the last minute', () => {
  const home = join(root, 'rate');
  const db = openDb(home);
  try {
    const now = new Date();
    setMeta(db, 'sweep.last', new Date(now.getTime() - 30_000).toISOString());
    assert.equal(sweepInBackground(db, home, hookEnv(home), now), false);
    assert.equal(getMeta(db, 'sweep.last'), new Date(now.getTime() - 30_000).toISOString());
  } finally {
    db.close();
  }
});
