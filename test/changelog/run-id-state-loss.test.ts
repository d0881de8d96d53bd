import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { CLI, cleanup, gitRepo, readOutputs, runProcess, tempDir } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * state.db lost (deleted, or moved aside as corrupt) while the session goes on: the transcript is
 * read again from its start, and every window it closes must be recognised by its run_id as
 * written or not. A window is the same run only when it is the same work.
 */
describe('run_ids after state loss (real `shiplog process`)', () => {
  const root = tempDir('shiplog-runid-');
  after(() => cleanup(root));
  let n = 0;

  function setup() {
    const dir = join(root, String(n++));
    const repo = gitRepo(join(dir, 'repo'), true);
    mkdirSync(join(dir, 'projects'));
    const home = join(dir, 'state');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: join(dir, 'home'),
      XDG_CONFIG_HOME: join(dir, 'xdg'),
      SHIPLOG_HOME: home,
    };
    for (const k of [
      'SHIPLOG_INTERNAL',
      'SHIPLOG_GRANULARITY',
      'SHIPLOG_IDLE_MINUTES',
      'SHIPLOG_EVALUATOR',
      'CTX_ACTOR',
      'CHANGELOG_ACTOR',
    ])
      delete env[k];
    const sessionId = `runid-${n}`;
    const transcript = join(dir, 'projects', `${sessionId}.jsonl`);
    const process_ = async () => {
      const r = await runProcess(
        globalThis.process.execPath,
        [CLI, 'process', transcript, '--repo', repo, '--session', sessionId],
        { env, cwd: repo },
      );
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    };
    const loseState = () => {
      for (const f of readdirSync(home)) if (f.startsWith('state.db')) rmSync(join(home, f));
    };
    const entries = () =>
      readOutputs(repo, sessionId)
        .entries.split('\n')
        .filter(Boolean)
        .map((l) => ChangelogEntry.parse(JSON.parse(l)));
    return { repo, transcript, sessionId, process: process_, loseState, entries };
  }

  it('a session resumed soon after gets only its later work written, as a new entry continuing the first', async () => {
    const s = setup();
    writeClaudeTranscript(s.transcript, s.sessionId, s.repo, [simpleTurn(0)]);
    await s.process();
    const [first] = s.entries();
    assert.ok(first);
    s.loseState();
    // Resumed five minutes later: within the idle time, so the rebuilt window holds both turns.
    writeClaudeTranscript(s.transcript, s.sessionId, s.repo, [simpleTurn(1)], { append: true, firstSeq: 5 });
    await s.process();
    const all = s.entries();
    assert.equal(all.length, 2, `the resumed work is a second entry: ${JSON.stringify(all.map((e) => e.run_id))}`);
    assert.deepEqual(all[0], first, 'the first entry is kept once, unchanged');
    assert.notEqual(all[1]?.run_id, first.run_id);
    // Not doubled in content either: the work the first entry holds is not written again.
    assert.deepEqual(all[1]?.touched_files.created, ['src/greet1.sh'], 'only the new work');
    assert.equal(all[1]?.continuation_of_run_id, first.run_id, 'it continues the entry already written');
    assert.equal(all[1]?.transcript.window_index, 1);

    // The same transcript, state lost again: the same windows, nothing new.
    s.loseState();
    await s.process();
    assert.deepEqual(s.entries(), all);
  });

  it('a session resumed after the idle time: the old window is recognised, the new one written once', async () => {
    const s = setup();
    writeClaudeTranscript(s.transcript, s.sessionId, s.repo, [simpleTurn(0)]);
    await s.process();
    const [first] = s.entries();
    assert.ok(first);
    s.loseState();
    // Two hours later (the default idle time is 30 minutes).
    writeClaudeTranscript(s.transcript, s.sessionId, s.repo, [simpleTurn(1)], { append: true, firstSeq: 120 });
    await s.process();
    const all = s.entries();
    assert.equal(all.length, 2, JSON.stringify(all.map((e) => e.run_id)));
    assert.deepEqual(all[0], first);
    assert.deepEqual(all[1]?.touched_files.created, ['src/greet1.sh']);
    s.loseState();
    await s.process();
    assert.deepEqual(s.entries(), all);
  });

  it('the same transcript processed again after state loss writes nothing new', async () => {
    const s = setup();
    writeClaudeTranscript(s.transcript, s.sessionId, s.repo, [simpleTurn(0), simpleTurn(1)]);
    await s.process();
    const before = s.entries();
    assert.equal(before.length, 1);
    s.loseState();
    await s.process();
    assert.deepEqual(s.entries(), before);
  });
});
