import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeFailures, readDevlogs, runChecks } from './checks.js';
import { claudeEnv, runClaudeInteractive, runClaudePrint } from './claude-driver.js';
import { ensureClient } from './clients.js';
import { startMockMessages, text, toolUse, type ClaudeScript } from './mock-messages.js';
import { createSandbox, shiplog, sweepUntil, waitForShiplog, type Sandbox } from './sandbox.js';

/**
 * The real Claude Code, installed by the suite, wired up by `shiplog install`, run offline
 * against a scripted loopback mock of the Messages API: print-mode turns resumed in one session
 * (with a subagent and a /compact), a session ended by SIGTERM, and an interactive session
 * through a pseudo-terminal with /clear in the middle.
 */
const PROMPT_1 = 'Add app.txt, make the test pass, remove old.txt and commit';
const REPLY_1 = 'Done: app.txt added, the test passes, old.txt removed, committed.';
const PROMPT_2 = 'Ask a subagent to count the files';
const REPLY_2 = 'A subagent is counting the files.';
const REPLY_2B = 'The subagent reports 3 files.';
const SUB_PROMPT = 'Count the files in the project folder with ls and report the number';
const COMMIT_MSG = 'Add app.txt and drop old.txt';
const HI = 'say hi';
const BYE = 'say bye';
const SLOW = 'run the slow job';

function script(ws: string): ClaudeScript {
  const app = join(ws, 'app.txt');
  return {
    [PROMPT_1]: [
      [text('I will add app.txt first.'), toolUse('Write', { file_path: app, content: 'broken\n' })],
      [toolUse('Bash', { command: 'sh test.sh', description: 'Run the tests' })],
      [
        text('The test fails; fixing app.txt.'),
        toolUse('Edit', { file_path: app, old_string: 'broken', new_string: 'ok' }),
      ],
      [toolUse('Bash', { command: 'sh test.sh', description: 'Run the tests again' })],
      [toolUse('Bash', { command: 'rm old.txt', description: 'Remove old.txt' })],
      [toolUse('Bash', { command: `git add -A && git commit -q -m "${COMMIT_MSG}"`, description: 'Commit' })],
      [text(REPLY_1)],
    ],
    [PROMPT_2]: [
      [toolUse('Agent', { description: 'Count files', prompt: SUB_PROMPT, subagent_type: 'general-purpose' })],
      [text(REPLY_2)],
    ],
    [SUB_PROMPT]: [
      [toolUse('Bash', { command: 'ls | wc -l', description: 'Count files' })],
      [text('There are 3 files.')],
    ],
    '<task-notification>': [[text(REPLY_2B)]],
    [HI]: [[text('Hi there, friend!')]],
    [BYE]: [[text('Bye for now!')]],
    // A script rather than a bare `sleep`, which the client refuses to run.
    [SLOW]: [[toolUse('Bash', { command: 'sh slow.sh', description: 'Slow job' })], [text('Slow job done.')]],
  };
}

function prepare(sb: Sandbox): void {
  writeFileSync(join(sb.workspace, 'old.txt'), 'obsolete\n');
  writeFileSync(join(sb.workspace, 'slow.sh'), 'sleep 30\necho slow job finished\n');
  writeFileSync(
    join(sb.workspace, 'test.sh'),
    'grep -qx ok app.txt || { echo "FAIL: app.txt is not ok"; exit 1; }\necho PASS\n',
  );
  execFileSync('git', ['add', '-A'], { cwd: sb.workspace });
  execFileSync('git', ['commit', '-q', '-m', 'fixtures'], { cwd: sb.workspace });
}

const NONE = { created: [], modified: [], deleted: [], commands: [], tests: [], commits: [] };

/** What PROMPT_1's turn did, however the session was captured (hooks or the sweep). */
const TURN_1 = {
  created: ['app.txt'],
  modified: [],
  deleted: ['old.txt'],
  commands: ['sh test.sh', `git add -A && git commit -q -m "${COMMIT_MSG}"`],
  tests: [
    { cmd: 'sh test.sh', result: 'fail' as const },
    { cmd: 'sh test.sh', result: 'pass' as const },
  ],
  commits: [COMMIT_MSG],
  workspace: ['app.txt', 'slow.sh', 'test.sh'],
};

describe('real Claude Code, offline', () => {
  let bin: string;
  let version: string;
  const sandboxes: Sandbox[] = [];
  before(async () => {
    ({ bin, version } = await ensureClient('claude', (l) => process.stderr.write(`${l}\n`)));
  });
  after(() => {
    if (process.env.SHIPLOG_E2E_KEEP !== '1') for (const sb of sandboxes) sb.remove();
  });

  async function world(name: string) {
    const sb = createSandbox(`claude-${name}`, [bin]);
    sandboxes.push(sb);
    prepare(sb);
    const mock = await startMockMessages(script(sb.workspace));
    const env = claudeEnv({ home: sb.home, mockUrl: mock.url, configDir: sb.claudeDir, extra: sb.env });
    const install = await shiplog(sb, ['install']);
    assert.equal(install.code, 0, install.stderr);
    return { sb, mock, env };
  }

  it(`print mode: a turn, a resumed turn with a subagent, a resumed /compact (Claude Code ${process.env.SHIPLOG_E2E_CLAUDE_VERSION || '2.1.330'})`, async () => {
    const { sb, mock, env } = await world('print');
    try {
      const first = await runClaudePrint(bin, { cwd: sb.workspace, prompt: PROMPT_1, env, timeoutMs: 120_000 });
      assert.equal(first.code, 0, first.stderr);
      assert.ok(first.sessionId);
      await waitForShiplog(sb);
      const second = await runClaudePrint(bin, {
        cwd: sb.workspace,
        prompt: PROMPT_2,
        resume: first.sessionId,
        env,
        timeoutMs: 120_000,
      });
      assert.equal(second.code, 0, second.stderr);
      await waitForShiplog(sb);
      const third = await runClaudePrint(bin, {
        cwd: sb.workspace,
        prompt: '/compact keep it short',
        resume: first.sessionId,
        env,
        timeoutMs: 120_000,
      });
      assert.equal(third.code, 0, third.stderr);
      await waitForShiplog(sb);
    } finally {
      await mock.close();
    }
    const checks = runChecks(sb, {
      ...TURN_1,
      sessions: [{ prompts: [PROMPT_1, PROMPT_2], replies: [REPLY_1, REPLY_2, REPLY_2B] }],
      commands: [...TURN_1.commands, 'ls | wc -l'],
      // One window per `claude -p` run that did work; the /compact run did none.
      entries: 2,
    });
    assert.equal(describeFailures(checks), '', `Claude Code ${version}`);
    const doctor = JSON.parse((await shiplog(sb, ['doctor', '--json'])).stdout) as {
      key: string;
      status: string;
      message: string;
    }[];
    assert.deepEqual(
      doctor.filter((c) => c.status === 'problem'),
      [],
    );
    const fires = doctor.find((c) => c.key === 'hooks.last_fire.claude-code')?.message ?? '';
    assert.match(fires, /SessionEnd ×3\b/, 'one SessionEnd per claude -p run');
    assert.match(fires, /SubagentStop ×[1-9]/);
  });

  it('a session ended by SIGTERM still ends as one entry', async () => {
    const { sb, mock, env } = await world('sigterm');
    try {
      // Terminated once the Bash call is in the transcript: mid-tool, whatever the machine's load
      // (a fixed delay came before the call under a load of 12, and the window was chat only).
      const r = await runClaudePrint(bin, {
        cwd: sb.workspace,
        prompt: SLOW,
        env,
        timeoutMs: 60_000,
        signal: 'SIGTERM',
        signalWhen: () => transcriptsHold(sb.claudeDir, '"command":"sh slow.sh"'),
      });
      assert.ok(r.code === 143 || r.signal === 'SIGTERM', `exit ${r.code} ${r.signal}`);
      await waitForShiplog(sb);
    } finally {
      await mock.close();
    }
    const expected = {
      ...NONE,
      sessions: [{ prompts: [SLOW], replies: [] as string[] }],
      entries: 1,
      workspace: ['old.txt', 'slow.sh', 'test.sh'],
    };
    assert.equal(describeFailures(runChecks(sb, expected)), '');
    // The job never finished: killed by the client on SIGTERM (exit 137), or cut off before its
    // result was written. Either way the devlog must not read as if it ran to the end.
    const actions = readDevlogs(sb).flatMap((d) =>
      d.conversation.flatMap((e) => (e.type === 'tool_summary' ? e.actions : [])),
    );
    assert.equal(actions.length, 1, JSON.stringify(actions));
    assert.match(actions[0] ?? '', /^ran sh slow\.sh \((interrupted|no result)\)$/);
    // The scripted final reply never came (the run was killed first): checked for, it is the one check that breaks.
    const withReply = runChecks(sb, { ...expected, sessions: [{ prompts: [SLOW], replies: ['Slow job done.'] }] });
    assert.deepEqual(
      withReply.filter((c) => !c.ok).map((c) => c.name),
      ['devlog.replies[0]'],
    );
  });

  it('a session killed by SIGKILL mid-turn (no hook runs) is read by the sweep: one devlog, one entry', async () => {
    const { sb, mock, env } = await world('sigkill');
    try {
      // Killed once the Bash call is in the transcript: mid-tool, whatever the machine's load.
      const r = await runClaudePrint(bin, {
        cwd: sb.workspace,
        prompt: SLOW,
        env,
        timeoutMs: 60_000,
        signal: 'SIGKILL',
        signalWhen: () => transcriptsHold(sb.claudeDir, '"command":"sh slow.sh"'),
      });
      assert.equal(r.signal, 'SIGKILL', `exit ${r.code} ${r.signal}`);
      await waitForShiplog(sb);
    } finally {
      await mock.close();
    }
    assert.deepEqual(readDevlogs(sb), [], 'no hook ran: nothing is written yet');
    // A short idle time, so the test need not wait two minutes for the transcript to be quiet.
    const swept = await sweepUntil(sb, /read by the sweep; its window closed/);
    assert.match(swept, /read by the sweep; its window closed \(idle\)/);
    const expected = {
      ...NONE,
      sessions: [{ prompts: [SLOW], replies: [] as string[] }],
      entries: 1,
      workspace: ['old.txt', 'slow.sh', 'test.sh'],
    };
    assert.equal(describeFailures(runChecks(sb, expected)), '');
    const actions = readDevlogs(sb).flatMap((d) =>
      d.conversation.flatMap((e) => (e.type === 'tool_summary' ? e.actions : [])),
    );
    assert.deepEqual(actions, ['ran sh slow.sh (no result)']);
    // Swept once: a second sweep reads nothing and writes no second entry.
    assert.match(
      (await shiplog({ ...sb, env: { ...sb.env, SHIPLOG_IDLE_MINUTES: '0.02' } }, ['sweep'])).stdout,
      /Nothing to sweep/,
    );
    assert.equal(describeFailures(runChecks(sb, expected)), '');
  });

  it('a session run with hooks turned off (--settings disableAllHooks) is read by the sweep', async () => {
    const { sb, mock, env } = await world('hooks-off');
    try {
      const r = await runClaudePrint(bin, {
        cwd: sb.workspace,
        prompt: PROMPT_1,
        env,
        timeoutMs: 120_000,
        extraArgs: ['--settings', JSON.stringify({ disableAllHooks: true })],
      });
      assert.equal(r.code, 0, r.stderr);
      await waitForShiplog(sb);
    } finally {
      await mock.close();
    }
    assert.deepEqual(readDevlogs(sb), [], 'no hook ran: nothing is written yet');
    assert.match(
      await sweepUntil(sb, /read by the sweep; its window closed/),
      /read by the sweep; its window closed \(idle\)/,
    );
    const checks = runChecks(sb, { ...TURN_1, sessions: [{ prompts: [PROMPT_1], replies: [REPLY_1] }], entries: 1 });
    assert.equal(describeFailures(checks), '');
  });

  it('interactive, through a pseudo-terminal: /clear makes two sessions, each with its entry', async () => {
    const { sb, mock, env } = await world('interactive');
    // Both sessions are chat alone, which gets no entry by default: kept here, so that each
    // entry shows /clear closed its session's window.
    env['SHIPLOG_CHAT_ONLY'] = 'keep';
    try {
      const r = await runClaudeInteractive(bin, {
        cwd: sb.workspace,
        env,
        timeoutMs: 120_000,
        steps: [
          { waitFor: /accept edits on|\? for shortcuts/ },
          { type: HI },
          { waitFor: /Hi there, friend!/ },
          { waitMs: 500 },
          { type: '/clear' },
          { waitMs: 2_000 },
          { type: BYE },
          { waitFor: /Bye for now!/ },
          { waitMs: 500 },
          { type: '/exit' },
        ],
      });
      assert.ok(!r.timedOut && r.code === 0, `exit ${r.code}, timed out ${r.timedOut}`);
      assert.equal(r.sessionIds.length, 2);
      await waitForShiplog(sb);
    } finally {
      await mock.close();
    }
    const checks = runChecks(sb, {
      ...NONE,
      sessions: [
        { prompts: [HI], replies: ['Hi there, friend!'] },
        { prompts: [BYE], replies: ['Bye for now!'] },
      ],
      entries: 2,
      workspace: ['old.txt', 'slow.sh', 'test.sh'],
    });
    assert.equal(describeFailures(checks), '');
  });
});

/** Whether a main transcript under the Claude config folder holds `text` yet. */
function transcriptsHold(claudeDir: string, text: string): boolean {
  const projects = join(claudeDir, 'projects');
  if (!existsSync(projects)) return false;
  return readdirSync(projects).some((p) =>
    readdirSync(join(projects, p)).some(
      (f) => f.endsWith('.jsonl') && readFileSync(join(projects, p, f), 'utf8').includes(text),
    ),
  );
}
