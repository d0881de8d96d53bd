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
 * Issue 13, finding 7: jobs whose worker died (killed, or crashed on a busy database) while no
 * later hook of their session came to start another. The next worker of any session takes them
 * on its way out, and so does `shiplog flush`, which used to answer "Nothing to flush".
 */
describe('stranded hook jobs', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const repo = gitRepo(join(root, 'repo'), true);

  /** Leaves a SessionEnd job in the spool as the hook would, watched by a worker that is gone. */
  async function strand(home: string, session: string): Promise<void> {
    const transcript = writeClaudeTranscript(join(root, `${session}.jsonl`), session, repo, [
      simpleTurn(session.length),
    ]);
    const spool = join(home, 'spool', session);
    mkdirSync(spool, { recursive: true });
    const gone = await runProcess(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(spool, 'worker.alive'), JSON.stringify({ pid: Number(gone.stdout), start: null }));
    const payload = JSON.parse(sessionEndPayload(session, transcript, repo)) as object;
    writeFileSync(
      join(spool, '000000000000001-1-stranded.json'),
      JSON.stringify({ v: 1, agent: 'claude-code', received_at: new Date().toISOString(), payload }),
    );
  }
  const entriesOf = (session: string) =>
    readOutputs(repo, session)
      .entries.split('\n')
      .filter((l) => l.includes(`"session_id":"${session}"`));
  const jobsLeft = (home: string, session: string) =>
    existsSync(join(home, 'spool', session))
      ? readdirSync(join(home, 'spool', session)).filter((n) => n.endsWith('.json'))
      : [];

  it('are taken by the next worker of another session on its way out', async () => {
    const home = join(root, 'home-worker');
    await strand(home, 'orphan-a');
    const transcript = writeClaudeTranscript(join(root, 'other.jsonl'), 'other', repo, [simpleTurn(2)]);
    const r = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env: hookEnv(home),
      input: sessionEndPayload('other', transcript, repo),
    });
    assert.equal(r.code, 0, r.stderr);
    await waitForWorkers(home, 'other');
    await waitForWorkers(home, 'orphan-a');
    assert.deepEqual(jobsLeft(home, 'orphan-a'), []);
    assert.equal(entriesOf('orphan-a').length, 1);
    assert.equal(entriesOf('other').length, 1);
    assert.match(readFileSync(join(home, 'shiplog.log'), 'utf8'), /stranded hook jobs taken/);
  });

  it('are taken by shiplog flush', async () => {
    const home = join(root, 'home-flush');
    await strand(home, 'orphan-b');
    const r = await runProcess(process.execPath, [CLI, 'flush'], { env: hookEnv(home), cwd: repo });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /orphan-b/);
    assert.doesNotMatch(r.stdout, /Nothing to flush/);
    assert.deepEqual(jobsLeft(home, 'orphan-b'), []);
    assert.equal(entriesOf('orphan-b').length, 1);
  });
});
