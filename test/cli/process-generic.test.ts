import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, cleanup, gitRepo, readOutputs, ROOT, runProcess, tempDir } from '../helpers.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'generic');

/**
 * `shiplog process` on chat logs of other tools (test/fixtures/generic, one per shape the seed
 * guide for unknown formats names): told apart from the agents' transcripts with no --agent,
 * and written as a devlog of prompts and replies; a session with work in it gets an entry.
 */
const SHAPES: { file: string; first: string; last: string; entry: boolean }[] = [
  {
    file: 'anthropic-api.jsonl',
    first: 'Rename the --verbose flag to --debug in the CLI and update the README.',
    last: 'Renamed --verbose to --debug in src/cli.ts, the README and the CLI test; all 12 tests pass.',
    entry: true,
  },
  {
    file: 'openai-chat.jsonl',
    first: 'The release script fails on Windows. Make it use path.join instead of string concatenation.',
    last: 'Done: scripts/release.js now joins paths with path.join, and the dry run succeeds.',
    entry: true,
  },
  {
    file: 'langchain.jsonl',
    first: 'Add a .nvmrc pinning Node 20 and make CI read it.',
    last: 'The workflow file is not where I expected, so CI is unchanged; .nvmrc is added.',
    entry: true,
  },
  {
    file: 'messages-document.json',
    first: 'test/format.test.ts fails after midnight UTC. Can you make it use a fixed clock?',
    last: 'test/format.test.ts now fakes the timers and pins the clock to 2025-01-01 12:00 UTC, so it no longer depends on the time of day.',
    entry: true,
  },
  {
    file: 'responses-array.json',
    first: 'Bump the lodash dependency to 4.17.21 and run the tests.',
    last: 'lodash is now at 4.17.21 in package.json and the lockfile; all 64 tests pass.',
    entry: true,
  },
  // A chat with no tool calls: a conversation for the devlog, no work for an entry.
  {
    file: 'chat-export.md',
    first: 'Add a `/healthz` endpoint to the Express server that returns 200 and the git commit.',
    last: 'Not in `/healthz`: keep it cheap so the load balancer can poll it. A separate `/readyz` can check the database.',
    entry: false,
  },
];

interface Devlog {
  conversation: { type: string; content?: string }[];
}

describe('shiplog process on chat logs of other tools', () => {
  const root = tempDir();
  after(() => cleanup(root));

  for (const shape of SHAPES) {
    it(`${shape.file}: a devlog of its prompts and replies${shape.entry ? ', and an entry with tool "unknown"' : ''}`, async () => {
      const repo = gitRepo(join(root, shape.file.replace(/\W/g, '-')));
      const r = await runProcess(
        process.execPath,
        [CLI, 'process', join(FIXTURES, shape.file), '--repo', repo, '--json'],
        { env: { ...process.env, SHIPLOG_HOME: join(root, 'state') } },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const sessionId = shape.file.replace(/\.[a-z]+$/, '');
      const devlog = JSON.parse(readOutputs(repo, sessionId).devlog ?? '{}') as Devlog;
      const prompts = devlog.conversation.filter((c) => c.type === 'user').map((c) => c.content ?? '');
      const replies = devlog.conversation.filter((c) => c.type === 'assistant').map((c) => c.content ?? '');
      assert.ok(prompts.length > 0 && replies.length > 0, 'prompts and replies');
      // Every prompt and reply is text the log holds, word for word.
      const raw = readFileSync(join(FIXTURES, shape.file), 'utf8');
      for (const text of [...prompts, ...replies])
        assert.ok(
          raw.includes(text.split('\n')[0] ?? text) || raw.includes(JSON.stringify(text).slice(1, 40)),
          `${text} is in the log`,
        );
      assert.equal(prompts[0], shape.first);
      assert.equal(replies.at(-1), shape.last);
      const entries = readOutputs(repo, sessionId)
        .entries.trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { tool: string });
      assert.deepEqual(
        entries.map((e) => e.tool),
        shape.entry ? ['unknown'] : [],
      );
    });
  }

  it('a text file that is no chat log is refused with the formats it was read for, and leaves nothing', async () => {
    const repo = gitRepo(join(root, 'notes'));
    const r = await runProcess(process.execPath, [CLI, 'process', join(FIXTURES, 'notes.txt'), '--repo', repo], {
      env: { ...process.env, SHIPLOG_HOME: join(root, 'state-notes') },
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not a session transcript shiplog can read/);
    assert.match(r.stderr, /role\/content JSONL, LangChain messages/);
    assert.equal(readOutputs(repo, 'notes').devlog, null);
  });
});

describe('a chat log with a secret where the reader cuts a long message', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('the cut never leaves part of the secret in the devlog', async () => {
    const repo = gitRepo(join(root, 'repo'));
    const token = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`;
    // The token straddles the 32,000-character limit on one message's text.
    const reply = `${'word '.repeat(6_398)}ab ${token} and more after it.`;
    const log = join(root, 'secret.jsonl');
    writeFileSync(
      log,
      [
        JSON.stringify({ role: 'user', content: 'Set up the deploy token.' }),
        JSON.stringify({ role: 'assistant', content: reply }),
      ].join('\n'),
    );
    const r = await runProcess(process.execPath, [CLI, 'process', log, '--repo', repo], {
      env: { ...process.env, SHIPLOG_HOME: join(root, 'state') },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const devlog = readOutputs(repo, 'secret').devlog ?? '';
    assert.match(devlog, /Set up the deploy token\./);
    assert.doesNotMatch(devlog, /ghp_A/, 'no part of the token');
  });
});
