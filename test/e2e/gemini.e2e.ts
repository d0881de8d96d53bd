import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeFailures, runChecks, type Expectation } from './checks.js';
import { ensureClient } from './clients.js';
import { runGeminiTurn, writeGeminiSettings } from './gemini-driver.js';
import { replace, runShell, startGeminiMock, text, writeFile, type GeminiScript } from './gemini-mock.js';
import { createSandbox, shiplog, waitForShiplog, type Sandbox } from './sandbox.js';

/**
 * The real Gemini CLI, installed by the suite, wired up by shiplog's real installer (hooks in
 * ~/.gemini/settings.json), run headless and offline against a scripted loopback mock of the
 * Gemini API (test/e2e/gemini-mock.ts; docs/gemini-cli.md says what each setting is for). What
 * shiplog wrote is checked against the script, as for the other two agents.
 */
const PROMPT_1 = 'Create greet.js with a greet(name) function and a test for it in test.js, then run the test.';
const PROMPT_2 = 'Fix greet so the test passes, run it again and commit.';
const REPLY_1 =
  'I created greet.js and test.js. The test fails: greet("Ada") returns "Hello Ada" instead of "Hello, Ada!".';
const REPLY_2 = 'greet.js now returns "Hello, Ada!"; the test passes and both files are committed.';
const COMMIT = 'Add greet with a passing test';
const GREET = ['exports.greet = function greet(name) {', "  return 'Hello ' + name;", '};', ''].join('\n');
const TEST = [
  "const assert = require('node:assert');",
  "const { greet } = require('./greet');",
  "assert.strictEqual(greet('Ada'), 'Hello, Ada!');",
  "console.log('ok: greet');",
  '',
].join('\n');

const SCRIPT: GeminiScript = [
  [
    [text('I will create the module and its test.'), writeFile('greet.js', GREET), writeFile('test.js', TEST)],
    [runShell('node test.js', 'Run the greet test')],
    [text(REPLY_1)],
  ],
  [
    [replace('greet.js', "'Hello ' + name", '`Hello, ${name}!`', 'Make greet return "Hello, <name>!".')],
    [runShell('node test.js', 'Run the greet test again')],
    [runShell(`git add greet.js test.js && git commit -q -m "${COMMIT}"`, 'Commit greet.js and test.js')],
    [text(REPLY_2)],
  ],
];

const EXPECTED: Expectation = {
  sessions: [{ prompts: [PROMPT_1, PROMPT_2], replies: [REPLY_1, REPLY_2] }],
  // greet.js is created in the first window and modified in the second (entries are per window).
  created: ['greet.js', 'test.js'],
  modified: ['greet.js'],
  deleted: [],
  commands: ['node test.js', `git add greet.js test.js && git commit -q -m "${COMMIT}"`],
  tests: [
    { cmd: 'node test.js', result: 'fail' },
    { cmd: 'node test.js', result: 'pass' },
  ],
  commits: [COMMIT],
  // Each headless run ends its session (SessionEnd): one window each.
  entries: 2,
  workspace: ['README.md', 'greet.js', 'test.js'],
};

/** One headless turn, with the settings shiplog install left in place. */
function gemini(bin: string, sb: Sandbox, mockUrl: string, prompt: string, resume: boolean) {
  return runGeminiTurn({
    bin,
    home: sb.home,
    cwd: sb.workspace,
    mockUrl,
    prompt,
    resume,
    env: sb.env,
    keepSettings: true,
  });
}

describe('real Gemini CLI, offline', () => {
  let bin: string;
  let version: string;
  const sandboxes: Sandbox[] = [];
  before(async () => {
    ({ bin, version } = await ensureClient('gemini', (l) => process.stderr.write(`${l}\n`)));
  });
  after(() => {
    if (process.env.SHIPLOG_E2E_KEEP !== '1') for (const sb of sandboxes) sb.remove();
  });

  async function scenario(name: string) {
    const sb = createSandbox(`gemini-${name}`, [bin]);
    sandboxes.push(sb);
    writeFileSync(join(sb.workspace, 'README.md'), '# Project\n');
    // The offline settings first; shiplog install then adds its hooks to that very file.
    const settings = writeGeminiSettings(sb.home);
    const mock = await startGeminiMock(SCRIPT);
    return { sb, mock, settings };
  }

  it(`hooks: two headless turns, the second resumed — devlog, entries, tests, commit (Gemini CLI ${process.env.SHIPLOG_E2E_GEMINI_VERSION || '0.61.0'})`, async () => {
    const { sb, mock, settings } = await scenario('hooks');
    try {
      const install = await shiplog(sb, ['install']);
      assert.equal(install.code, 0, install.stderr);
      assert.match(install.stdout, /^gemini: hooks registered in /m);
      assert.match(readFileSync(settings, 'utf8'), /"AfterAgent"/);
      const first = await gemini(bin, sb, mock.url, PROMPT_1, false);
      assert.equal(first.code, 0, first.stderr);
      await waitForShiplog(sb);
      const second = await gemini(bin, sb, mock.url, PROMPT_2, true);
      assert.equal(second.code, 0, second.stderr);
      await waitForShiplog(sb);
    } finally {
      await mock.close();
    }
    assert.equal(describeFailures(runChecks(sb, EXPECTED)), '', `Gemini CLI ${version}`);
    const entries = readFileSync(join(sb.workspace, '.changelog', 'e2e', 'entries.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tool: string });
    assert.deepEqual(
      entries.map((e) => e.tool),
      ['gemini', 'gemini'],
    );
    const doctor = await shiplog(sb, ['doctor', '--json']);
    const checks = JSON.parse(doctor.stdout) as { key: string; status: string; message: string }[];
    assert.equal(checks.find((c) => c.key === 'gemini.settings')?.status, 'ok');
    assert.match(
      checks.find((c) => c.key === 'hooks.last_fire.gemini')?.message ?? '',
      /AfterAgent ×2, SessionEnd ×2|SessionEnd ×2, AfterAgent ×2/,
    );
  });

  it("can fail: with shiplog's SessionEnd hook taken out, it names the checks that break", async () => {
    const { sb, mock, settings } = await scenario('broken');
    try {
      assert.equal((await shiplog(sb, ['install'])).code, 0);
      const parsed = JSON.parse(readFileSync(settings, 'utf8')) as { hooks: Record<string, unknown> };
      delete parsed.hooks.SessionEnd;
      writeFileSync(settings, JSON.stringify(parsed, null, 2));
      const first = await gemini(bin, sb, mock.url, PROMPT_1, false);
      assert.equal(first.code, 0, first.stderr);
      await waitForShiplog(sb);
    } finally {
      await mock.close();
    }
    const checks = runChecks(sb, {
      ...EXPECTED,
      sessions: [{ prompts: [PROMPT_1], replies: [REPLY_1] }],
      modified: [],
      // The devlog says how the one run of the test ended.
      commands: ['node test.js (failed: exit 1)'],
      tests: [{ cmd: 'node test.js', result: 'fail' }],
      commits: [],
      entries: 1,
      workspace: ['README.md', 'greet.js', 'test.js'],
    });
    // AfterAgent still ran: the devlog is right; no SessionEnd closed the window: every entry check breaks.
    const broken = checks.filter((c) => !c.ok).map((c) => c.name);
    assert.deepEqual(broken, ['entries.count', 'entries.touched_files.created', 'entries.tests']);
    assert.match(describeFailures(checks), /^entries\.count: 0 entr\(y\/ies\), expected 1 \(one per window\)$/m);
  });
});
