import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFixture, runFixture, transcript } from './run.js';

/**
 * One hand-written session per shape, each a person asking for a change and an assistant running
 * a command, editing a file and replying: the whole conversation as the devlog gets it.
 */

describe('generic reader: each shape end to end', () => {
  test('role/content JSONL with Anthropic blocks', () => {
    assert.equal(readFixture('anthropic-api.jsonl').shape, 'role-content-jsonl');
    assert.deepEqual(transcript(runFixture('anthropic-api.jsonl')), [
      '> Rename the --verbose flag to --debug in the CLI and update the README.',
      "< I'll find where the flag is defined first.",
      '$ ran grep -rn -- --verbose src README.md [toolu_01]',
      '= toolu_01 ok',
      '$ edited src/cli.ts [toolu_02]',
      '= toolu_02 ok',
      '$ edited README.md [toolu_04]',
      '$ ran npm test [toolu_05]',
      '= toolu_04 ok',
      '= toolu_05 failed: exit 1',
      "< One test still passes --verbose; I'll update it.",
      '$ edited test/cli.test.ts [toolu_06]',
      '= toolu_06 ok',
      '$ ran npm test [toolu_07]',
      '= toolu_07 ok',
      '< Renamed --verbose to --debug in src/cli.ts, the README and the CLI test; all 12 tests pass.',
    ]);
  });

  test('role/content JSONL with OpenAI tool_calls and role: tool', () => {
    assert.equal(readFixture('openai-chat.jsonl').shape, 'role-content-jsonl');
    const events = runFixture('openai-chat.jsonl');
    assert.deepEqual(transcript(events), [
      '> The release script fails on Windows. Make it use path.join instead of string concatenation.',
      '$ ran node scripts/release.js --dry-run [call_a1]',
      '= call_a1 failed',
      "< The script builds paths with '/'; I'll switch those to path.join.",
      '$ edited scripts/release.js [call_a2]',
      '= call_a2 ok',
      '$ ran node scripts/release.js --dry-run [call_a4]',
      '= call_a4 ok',
      '< Done: scripts/release.js now joins paths with path.join, and the dry run succeeds.',
    ]);
    // Unix seconds become ISO times.
    assert.equal(events.find((e) => e.kind === 'prompt')?.at, '2025-03-04T10:00:01.000Z');
  });

  test('LangChain JSONL (messages_to_dict, fields under data)', () => {
    assert.equal(readFixture('langchain.jsonl').shape, 'langchain');
    assert.deepEqual(transcript(runFixture('langchain.jsonl')), [
      '> Add a .nvmrc pinning Node 20 and make CI read it.',
      "< I'll add the .nvmrc and point the workflow at it.",
      '$ edited .nvmrc [call_1]',
      '= call_1 ok',
      "$ ran sed -i 's/node-version: 18/node-version-file: .nvmrc/' .github/workflows/ci.yml [call_3]",
      '= call_3 failed',
      '< The workflow file is not where I expected, so CI is unchanged; .nvmrc is added.',
      "> It's in .github/workflows/test.yml",
    ]);
  });

  test('JSON array of OpenAI Responses items (argv commands, images left out)', () => {
    assert.equal(readFixture('responses-array.json').shape, 'json-array');
    const events = runFixture('responses-array.json');
    assert.deepEqual(transcript(events), [
      '> Bump the lodash dependency to 4.17.21 and run the tests.',
      '$ ran npm install lodash@4.17.21 [fc_1]',
      '= fc_1 ok',
      '$ ran npm test [fc_2]',
      '= fc_2 ok',
      '< lodash is now at 4.17.21 in package.json and the lockfile; all 64 tests pass.',
    ]);
    const result = events.find((e) => e.kind === 'tool_result' && e.callId === 'fc_2');
    assert.equal(result?.kind === 'tool_result' ? result.exitCode : undefined, 0);
  });

  test('{messages: [...]} document: paths relative to its cwd, an interrupted call, reminders beside results', () => {
    assert.equal(readFixture('messages-document.json').shape, 'messages-document');
    const events = runFixture('messages-document.json');
    assert.deepEqual(transcript(events), [
      '> test/format.test.ts fails after midnight UTC. Can you make it use a fixed clock?',
      "< The test reads the real clock. I'll fake the timers in that file.",
      '$ edited test/format.test.ts [toolu_a]',
      '= toolu_a ok',
      '$ ran cd /home/dev/calendar && npx vitest run test/format.test.ts [toolu_b]',
      '= toolu_b interrupted',
      '> skip running it, CI will. Just tell me what changed.',
      '< test/format.test.ts now fakes the timers and pins the clock to 2025-01-01 12:00 UTC, so it no longer depends on the time of day.',
    ]);
    assert.deepEqual(events[0], { kind: 'session', at: '2025-05-19T23:58:02.114Z', cwd: '/home/dev/calendar' });
  });

  test('Markdown export: ## Human / ## Assistant, a heading inside a code block stays text', () => {
    assert.equal(readFixture('chat-export.md').shape, 'markdown');
    assert.deepEqual(transcript(runFixture('chat-export.md')), [
      '> Add a `/healthz` endpoint to the Express server that returns 200 and the git commit.',
      "< I'll add the route in `src/server.ts` and read the commit from `GIT_COMMIT`:\n\n```ts\n## User\napp.get('/healthz', (_req, res) => {\n  res.json({ ok: true, commit: process.env.GIT_COMMIT ?? 'unknown' });\n});\n```\n\nThen run `npm test` to check nothing else broke.",
      '> Should it also check the database?',
      '< Not in `/healthz`: keep it cheap so the load balancer can poll it. A separate `/readyz` can check the database.',
    ]);
  });

  test('every session starts with one session event and has no skipped lines', () => {
    for (const name of [
      'anthropic-api.jsonl',
      'openai-chat.jsonl',
      'langchain.jsonl',
      'responses-array.json',
      'messages-document.json',
      'chat-export.md',
    ]) {
      const events = runFixture(name);
      assert.equal(events[0]?.kind, 'session', name);
      assert.equal(events.filter((e) => e.kind === 'session').length, 1, name);
      assert.deepEqual(
        events.filter((e) => e.kind === 'skipped'),
        [],
        name,
      );
      assert.equal(readFixture(name).skipped, 0, name);
    }
  });
});
