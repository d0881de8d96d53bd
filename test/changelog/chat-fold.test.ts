import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { Config } from '../../src/config/config.js';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { cleanup, gitRepo, readOutputs, runInProcess, tempDir } from '../helpers.js';
import { writeClaudeTranscript } from '../synthetic.js';

const root = tempDir();
after(() => cleanup(root));

/**
 * chat_only = fold across worker runs: the work's window, closed by the idle gap before a
 * "Thanks" turn, is held in state.db (no entry yet), and written once, ending with the chat, when
 * the session ends.
 */
it('with chat_only fold, a thank-you turn after an idle gap joins the entry of the work, written once', async () => {
  const repo = gitRepo(join(root, 'repo'), true);
  const home = join(root, 'state');
  const config = Config.parse({ changelog: { chat_only: 'fold' } });
  const transcript = join(root, 'session.jsonl');
  const run = (close: 'session-end' | null) =>
    runInProcess(
      home,
      { sessionId: 'fold', agent: 'claude-code', transcriptPath: transcript, repo, trigger: 'test', close },
      config,
    );
  const entries = () =>
    readOutputs(repo, 'fold')
      .entries.trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => ChangelogEntry.parse(JSON.parse(l)));

  writeClaudeTranscript(transcript, 'fold', repo, [
    {
      prompt: 'Add a greeting script',
      write: { path: join(repo, 'greet.sh'), content: 'echo hi\n' },
      reply: 'Added greet.sh, which prints hi.',
    },
  ]);
  await run(null);
  // 90 minutes later, past the 30-minute idle time.
  writeClaudeTranscript(transcript, 'fold', repo, [{ prompt: "Thanks, that's all.", reply: "You're welcome!" }], {
    append: true,
    firstSeq: 90,
  });
  await run(null);
  assert.deepEqual(entries(), [], 'the work is held while the window after it may still fold in');
  await run('session-end');
  const written = entries();
  assert.equal(written.length, 1);
  assert.equal(written[0]?.label, 'Added greet.sh, which prints hi');
  assert.deepEqual(written[0]?.touched_files.created, ['greet.sh']);
  assert.equal(
    written[0]?.end,
    new Date(Date.UTC(2026, 0, 1, 10, 0, 0) + 90 * 60_000 + 1000).toISOString(),
    'the entry ends with the chat',
  );
  await run('session-end');
  assert.equal(entries().length, 1, 'a later run writes it no second time');
});
