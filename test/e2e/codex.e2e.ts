import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeFailures, readDevlogs, runChecks, type Expectation } from './checks.js';
import { ensureClient } from './clients.js';
import {
  applyPatch,
  execCommand,
  message,
  startMockResponses,
  type MockScript,
  type MockServer,
} from './mock-responses.js';
import { createSandbox, shiplog, sweepUntil, waitForShiplog, type Sandbox } from './sandbox.js';

/**
 * The real Codex CLI, installed by the suite, wired up by shiplog's real installer, run offline
 * against a scripted loopback mock of the Responses API. What shiplog wrote is checked against
 * the script.
 */
const PROMPT_1 = 'Create hello.txt and notes.txt, add a test, make it pass and commit.';
const REPLY_1 =
  'Created hello.txt, notes.txt and test.sh; the test failed once, I fixed notes.txt, it passes now, and I committed.';
const PROMPT_2 = 'Delete hello.txt and add a line to README.md.';
const REPLY_2 = 'Deleted hello.txt and updated README.md.';
const TEST_SH = ['#!/bin/sh', 'if grep -q tested notes.txt; then echo PASS; else echo "FAIL: not tested"; exit 1; fi'];

const SCRIPT: MockScript = [
  [
    [execCommand("printf 'hi\\n' > hello.txt")],
    [
      applyPatch(
        [
          '*** Begin Patch',
          '*** Add File: notes.txt',
          '+line one',
          '*** Add File: test.sh',
          ...TEST_SH.map((l) => `+${l}`),
          '*** Update File: hello.txt',
          '@@',
          '-hi',
          '+hello',
          '*** End Patch',
        ].join('\n'),
      ),
    ],
    [execCommand('sh test.sh')],
    [
      applyPatch(
        ['*** Begin Patch', '*** Update File: notes.txt', '@@', ' line one', '+tested', '*** End Patch'].join('\n'),
      ),
    ],
    [execCommand('sh test.sh')],
    [execCommand('git add -A && git commit -qm "Add notes and hello"')],
    [message(REPLY_1)],
  ],
  [
    [applyPatch(['*** Begin Patch', '*** Delete File: hello.txt', '*** End Patch'].join('\n'))],
    [
      applyPatch(
        [
          '*** Begin Patch',
          '*** Update File: README.md',
          '@@',
          ' # Project',
          '+Notes live in notes.txt.',
          '*** End Patch',
        ].join('\n'),
      ),
    ],
    [message(REPLY_2)],
  ],
];

const TURN_1: Omit<Expectation, 'sessions' | 'entries'> = {
  // hello.txt is new: written by printf >, then patched, it is created (not modified).
  created: ['hello.txt', 'notes.txt', 'test.sh'],
  modified: [],
  deleted: [],
  commands: ["printf 'hi\\n' > hello.txt", 'sh test.sh', 'git add -A && git commit -qm "Add notes and hello"'],
  tests: [
    { cmd: 'sh test.sh', result: 'fail' },
    { cmd: 'sh test.sh', result: 'pass' },
  ],
  commits: ['Add notes and hello'],
  workspace: ['README.md', 'hello.txt', 'notes.txt', 'test.sh'],
};

function writeCodexConfig(sb: Sandbox, mock: MockServer, extra = ''): void {
  const file = join(sb.codexHome, 'config.toml');
  writeFileSync(
    file,
    [
      'model = "gpt-5.5"',
      'model_provider = "mock"',
      'approval_policy = "never"',
      'sandbox_mode = "danger-full-access"',
      extra,
      '',
      '[model_providers.mock]',
      'name = "Mock"',
      `base_url = "${mock.url}/v1"`,
      'wire_api = "responses"',
      'env_key = "MOCK_API_KEY"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'),
  );
}

/** `killWhen`: SIGKILL Codex with its tools as soon as this holds (polled), as a crash or the OOM killer would. */
function codex(
  bin: string,
  sb: Sandbox,
  args: string[],
  killWhen?: () => boolean,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: sb.workspace,
      env: { ...sb.env, MOCK_API_KEY: 'dummy' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const watch = killWhen
      ? setInterval(() => {
          if (killWhen()) {
            clearInterval(watch);
            // The whole group: \`codex\` is a node launcher whose native child would otherwise go on.
            process.kill(-(child.pid as number), 'SIGKILL');
          }
        }, 100)
      : undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      // Its tools (the slow job) are left in its group: stop them, as the test's own.
      if (signal !== null) {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
        }
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function threadIdOf(stdout: string): string {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const ev = JSON.parse(line) as { type?: string; thread_id?: string };
    if (ev.type === 'thread.started' && ev.thread_id) return ev.thread_id;
  }
  throw new Error(`no thread.started event in codex output: ${stdout.slice(0, 500)}`);
}

function prepareWorkspace(sb: Sandbox): void {
  writeFileSync(join(sb.workspace, 'README.md'), '# Project\n');
}

describe('real Codex CLI, offline', () => {
  let bin: string;
  let version: string;
  const sandboxes: Sandbox[] = [];
  before(async () => {
    ({ bin, version } = await ensureClient('codex', (l) => process.stderr.write(`${l}\n`)));
  });
  after(() => {
    if (process.env.SHIPLOG_E2E_KEEP !== '1') for (const sb of sandboxes) sb.remove();
  });

  async function scenario(name: string, configExtra = '', script: MockScript = SCRIPT) {
    const sb = createSandbox(`codex-${name}`, [bin]);
    sandboxes.push(sb);
    prepareWorkspace(sb);
    const mock = await startMockResponses(script);
    writeCodexConfig(sb, mock, configExtra);
    return { sb, mock };
  }

  it(`hooks: exec, then exec resume — devlog, entries, tests, commit (Codex ${process.env.SHIPLOG_E2E_CODEX_VERSION || '0.169.0'})`, async () => {
    const { sb, mock } = await scenario('hooks');
    try {
      const install = await shiplog(sb, ['install']);
      assert.equal(install.code, 0, install.stderr);
      assert.match(install.stdout, /codex: hooks registered in/);
      const first = await codex(bin, sb, ['exec', '--json', '-C', sb.workspace, PROMPT_1]);
      assert.equal(first.code, 0, first.stderr);
      await waitForShiplog(sb);
      const second = await codex(bin, sb, [
        'exec',
        '--json',
        '-C',
        sb.workspace,
        'resume',
        threadIdOf(first.stdout),
        PROMPT_2,
      ]);
      assert.equal(second.code, 0, second.stderr);
      await waitForShiplog(sb);
    } finally {
      await mock.close();
    }
    const checks = runChecks(sb, {
      ...TURN_1,
      sessions: [{ prompts: [PROMPT_1, PROMPT_2], replies: [REPLY_1, REPLY_2] }],
      modified: ['README.md'],
      deleted: ['hello.txt'],
      // Each `codex exec` is a session start and end of its own: one window each.
      entries: 2,
      workspace: ['README.md', 'notes.txt', 'test.sh'],
    });
    assert.equal(describeFailures(checks), '', `Codex ${version}`);
    const doctor = await shiplog(sb, ['doctor', '--json']);
    const fires = (JSON.parse(doctor.stdout) as { key: string; message: string }[]).find(
      (c) => c.key === 'hooks.last_fire.codex',
    );
    assert.match(fires?.message ?? '', /SessionEnd ×2, Stop ×2|Stop ×2, SessionEnd ×2/);
  });

  it('notify only (hooks turned off): the turn is found through the thread id and written on flush', async () => {
    const { sb, mock } = await scenario('notify', '\n[features]\nhooks = false');
    try {
      const install = await shiplog(sb, ['install']);
      assert.equal(install.code, 0, install.stderr);
      assert.match(install.stdout, /codex: notify program registered in .*hooks are turned off/);
      const first = await codex(bin, sb, ['exec', '--json', '-C', sb.workspace, PROMPT_1]);
      assert.equal(first.code, 0, first.stderr);
      await waitForShiplog(sb);
    } finally {
      await mock.close();
    }
    // Notify has no SessionEnd: the window stays open until the idle time, or a flush.
    const flush = await shiplog(sb, ['flush']);
    assert.equal(flush.code, 0, flush.stderr);
    const checks = runChecks(sb, { ...TURN_1, sessions: [{ prompts: [PROMPT_1], replies: [REPLY_1] }], entries: 1 });
    assert.equal(describeFailures(checks), '');
  });

  it('exec killed by SIGKILL mid-turn (no hook runs) is read by the sweep: one devlog, one entry', async () => {
    const slow = 'Run the slow job.';
    const { sb, mock } = await scenario('sigkill', '', [
      [[execCommand('sh slow.sh')], [message('The slow job finished.')]],
    ]);
    writeFileSync(join(sb.workspace, 'slow.sh'), 'sleep 30\necho slow job finished\n');
    try {
      assert.equal((await shiplog(sb, ['install'])).code, 0);
      // Killed once the call is in the rollout: mid-tool, whatever the machine's load.
      const r = await codex(bin, sb, ['exec', '--json', '-C', sb.workspace, slow], () =>
        rolloutsHold(sb.codexHome, 'sh slow.sh'),
      );
      assert.equal(r.signal, 'SIGKILL', `exit ${r.code} ${r.signal}`);
      await waitForShiplog(sb);
    } finally {
      await mock.close();
    }
    assert.deepEqual(readDevlogs(sb), [], 'no hook ran: nothing is written yet');
    assert.match(
      await sweepUntil(sb, /read by the sweep; its window closed/),
      /read by the sweep; its window closed \(idle\)/,
    );
    assert.equal(
      describeFailures(runChecks(sb, { ...NOTHING, sessions: [{ prompts: [slow], replies: [] }], entries: 1 })),
      '',
    );
    assert.match(
      (await shiplog({ ...sb, env: { ...sb.env, SHIPLOG_IDLE_MINUTES: '0.02' } }, ['sweep'])).stdout,
      /Nothing to sweep/,
    );
  });

  it("can fail: with shiplog's SessionEnd hook taken out, it names the checks that break", async () => {
    const { sb, mock } = await scenario('broken');
    try {
      assert.equal((await shiplog(sb, ['install'])).code, 0);
      const file = join(sb.codexHome, 'config.toml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(/\n\[\[hooks\.SessionEnd\]\]\nhooks = \[[^\n]*\]\n/, '\n'),
      );
      assert.doesNotMatch(readFileSync(file, 'utf8'), /hooks\.SessionEnd/);
      const first = await codex(bin, sb, ['exec', '--json', '-C', sb.workspace, PROMPT_1]);
      assert.equal(first.code, 0, first.stderr);
      await waitForShiplog(sb);
    } finally {
      await mock.close();
    }
    const checks = runChecks(sb, { ...TURN_1, sessions: [{ prompts: [PROMPT_1], replies: [REPLY_1] }], entries: 1 });
    const broken = checks.filter((c) => !c.ok).map((c) => c.name);
    // Stop still ran: the devlog is right; no SessionEnd closed the window: every entry check breaks.
    assert.deepEqual(broken, ['entries.count', 'entries.touched_files.created', 'entries.tests', 'entries.commits']);
    assert.match(describeFailures(checks), /^entries\.count: 0 entr\(y\/ies\), expected 1 \(one per window\)$/m);
  });
});

const NOTHING = {
  created: [],
  modified: [],
  deleted: [],
  commands: [],
  tests: [],
  commits: [],
  workspace: ['README.md', 'slow.sh'],
};

/** Whether a rollout under CODEX_HOME/sessions holds `text` yet. */
function rolloutsHold(codexHome: string, text: string): boolean {
  const walk = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
          d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
        )
      : [];
  return walk(join(codexHome, 'sessions')).some((f) => f.endsWith('.jsonl') && readFileSync(f, 'utf8').includes(text));
}
