import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CLI,
  cleanup,
  gitRepo,
  HOOK,
  hookEnv,
  readOutputs,
  runProcess,
  sessionEndPayload,
  tempDir,
  waitForWorkers,
} from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * A job file that cannot be read (torn, empty, not a job) is the only copy of a trigger: the
 * worker moves it to spool/.bad/ with its bytes intact and logs it, never deletes it, and doctor
 * counts it with what to do.
 */
describe('an unreadable spooled job', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('is moved aside, not deleted; the good jobs beside it run; doctor reports it', async () => {
    const repo = gitRepo(join(root, 'repo'), true);
    const home = join(root, 'home');
    const transcript = writeClaudeTranscript(join(root, 'torn.jsonl'), 'torn', repo, [simpleTurn(1)]);
    const spool = join(home, 'spool', 'torn');
    mkdirSync(spool, { recursive: true });
    const torn = '{"v":1,"agent":"claude-code","received_at":"2026-01-01T00:00:00Z","payl';
    writeFileSync(join(spool, '000000000000001-1-torn.json'), torn);
    writeFileSync(join(spool, '000000000000002-1-empty.json'), '');

    const env = hookEnv(home, { SHIPLOG_STOP_WAIT_MS: '0' });
    const r = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env,
      input: sessionEndPayload('torn', transcript, repo),
    });
    assert.equal(r.code, 0, r.stderr);
    await waitForWorkers(home, 'torn');

    const bad = join(home, 'spool', '.bad');
    assert.deepEqual(readdirSync(bad).sort(), [
      'torn-000000000000001-1-torn.json',
      'torn-000000000000002-1-empty.json',
    ]);
    assert.equal(readFileSync(join(bad, 'torn-000000000000001-1-torn.json'), 'utf8'), torn, 'kept byte for byte');
    assert.equal(existsSync(spool) ? readdirSync(spool).filter((n) => n.endsWith('.json')).length : 0, 0);
    assert.match(readFileSync(join(home, 'shiplog.log'), 'utf8'), /unreadable hook job moved aside/);
    assert.equal(readOutputs(repo, 'torn').entries.trim().split('\n').length, 1, 'the SessionEnd beside them ran');

    const doctor = await runProcess(process.execPath, [CLI, 'doctor', '--json'], { env, cwd: repo });
    const checks = JSON.parse(doctor.stdout) as { key: string; status: string; message: string; fix?: string }[];
    const check = checks.find((c) => c.key === 'worker.spool.bad');
    assert.ok(check, doctor.stdout);
    assert.equal(check.status, 'problem');
    assert.match(check.message, /2 hook job\(s\)/);
    assert.match(check.fix ?? '', new RegExp(bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });
});
