import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  cleanup,
  gitRepo,
  HOOK,
  hookEnv,
  runProcess,
  sessionEndPayload,
  stopPayload,
  tempDir,
  waitForWorkers,
} from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * A hook killed between writing its job (`<name>.json.part`) and renaming it leaves a whole job
 * under a name workers do not list. Once it is clearly no hook's work in progress (a minute
 * old), the next worker of the session takes it like any job; a fresh one is left to its hook.
 */
describe('a job a hook wrote but never renamed', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('is taken once it is old, and left alone while fresh', async () => {
    const repo = gitRepo(join(root, 'repo'), true);
    const home = join(root, 'home');
    const transcript = writeClaudeTranscript(join(root, 'part.jsonl'), 'part', repo, [simpleTurn(1)]);
    const spool = join(home, 'spool', 'part');
    mkdirSync(spool, { recursive: true });
    const job = (event: string) =>
      JSON.stringify({
        v: 1,
        agent: 'claude-code',
        received_at: new Date().toISOString(),
        payload: JSON.parse(stopPayload('part', transcript, repo, { hook_event_name: event })) as object,
      });
    const old = join(spool, '000000000000001-1-killed.json.part');
    writeFileSync(old, job('Stop'));
    utimesSync(old, new Date(Date.now() - 10 * 60_000), new Date(Date.now() - 10 * 60_000));
    const fresh = join(spool, '000000000000002-1-writing.json.part');
    writeFileSync(fresh, job('SubagentStop'));

    const r = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env: hookEnv(home, { SHIPLOG_STOP_WAIT_MS: '0' }),
      input: sessionEndPayload('part', transcript, repo),
    });
    assert.equal(r.code, 0, r.stderr);
    await waitForWorkers(home, 'part');

    assert.equal(existsSync(old), false, 'the old one was taken');
    assert.deepEqual(readdirSync(spool), ['000000000000002-1-writing.json.part'], 'the fresh one is its hook’s');
    const db = new Database(join(home, 'state.db'), { readonly: true });
    const fires = Object.fromEntries(
      (db.prepare('SELECT event, count FROM hook_fires').all() as { event: string; count: number }[]).map((f) => [
        f.event,
        f.count,
      ]),
    );
    db.close();
    assert.deepEqual(fires, { Stop: 1, SessionEnd: 1 });
  });
});
