// Produces REAL Codex rollout fixtures by running pinned releases of the Codex CLI offline against the
// loopback Responses-API mock in test/e2e/mock-responses.ts.
//
//   node --import tsx scripts/make-codex-fixtures.ts [scenario ...]
//
// Codex releases are installed once into the e2e cache, ~/.cache/shiplog-e2e/codex-<version> (outside
// the repository; override with SHIPLOG_CODEX_CACHE) and reused. Every run gets a throwaway CODEX_HOME, HOME and git
// workspace under one mkdtemp folder, TZ=UTC and SHIPLOG_INTERNAL=1; the rollouts are copied from
// $CODEX_HOME/sessions/** to test/fixtures/codex/<name>.jsonl, each recorded scenario's entry in
// test/fixtures/codex/fixtures.json (workspace and what happened on disk) is replaced, and
// test/fixtures/codex/README.md is regenerated. Temp folders and the mock server are removed/closed on exit, also on failure.
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applyPatch,
  codeModeExec,
  execCommand,
  message,
  shell,
  startMockResponses,
  type MockRequest,
  type MockScript,
  type MockServer,
} from '../test/e2e/mock-responses.js';
import { e2eCache } from '../test/e2e/clients.js';
import { descendantRuns, processTable } from '../test/process-groups.js';
import { type Manifest, readManifest, writeManifest } from './fixture-manifest.js';
import { commitsLine, diskLine, diskTruth, startState, type DiskTruth } from './fixture-disk.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(repoRoot, 'test', 'fixtures', 'codex');
const manifestPath = join(outDir, 'fixtures.json');
// The same cache as the end-to-end suite (outside the repository), one folder per version.
const cacheRoot = process.env['SHIPLOG_CODEX_CACHE'] ?? e2eCache();
const RUN_TIMEOUT_MS = 180_000;

// ---------------------------------------------------------------------------------------------
// Scripted conversations
// ---------------------------------------------------------------------------------------------

const TEST_SH = [
  '#!/bin/sh',
  '# passes once notes.txt mentions "tested"',
  'if grep -q tested notes.txt; then echo "PASS: notes.txt is tested"; else echo "FAIL: notes.txt does not mention tested"; exit 1; fi',
].join('\n');

const CLASSIC_TURN_1 = [
  [execCommand("printf 'hi\\n' > hello.txt")],
  [
    applyPatch(
      [
        '*** Begin Patch',
        '*** Add File: notes.txt',
        '+line one',
        '*** Add File: test.sh',
        ...TEST_SH.trimEnd()
          .split('\n')
          .map((l) => `+${l}`),
        '*** Update File: hello.txt',
        '@@',
        '-hi',
        '+hello',
        '*** End Patch',
      ].join('\n'),
    ),
  ],
  [execCommand('sh test.sh')], // fails: exit 1
  [
    applyPatch(
      ['*** Begin Patch', '*** Update File: notes.txt', '@@', ' line one', '+tested', '*** End Patch'].join('\n'),
    ),
  ],
  [execCommand('sh test.sh')], // passes
  [execCommand('git add -A && git commit -qm "Add notes and hello"')],
  [
    message(
      'Created hello.txt, notes.txt and test.sh; the test failed once, I fixed notes.txt, it passes now, and I committed the work.',
    ),
  ],
];

const CLASSIC_TURN_2 = [
  [applyPatch(['*** Begin Patch', '*** Delete File: hello.txt', '*** End Patch'].join('\n'))],
  [
    applyPatch(
      [
        '*** Begin Patch',
        '*** Update File: notes.txt',
        '*** Move to: docs/notes.md',
        '@@',
        '-line one',
        '+# Notes',
        '*** End Patch',
      ].join('\n'),
    ),
  ],
  [message('Deleted hello.txt and moved notes.txt to docs/notes.md.')],
];

const FORK_TURN = [
  [execCommand('ls docs && cat docs/notes.md')],
  [message('docs/notes.md holds the notes; nothing else to do on this fork.')],
];

// JavaScript for the code-mode `exec` tool. String.raw keeps `\\n` so the JS string holds `\n`
// (printf's escape) and `\n` in the patch string is a real newline inside JS.
const CODE_MODE_JS = String.raw`const r = await tools.exec_command({ cmd: "printf 'x\\n' > a.txt" });
text(r.output);
const p = await tools.apply_patch("*** Begin Patch\n*** Add File: b.txt\n+b\n*** End Patch");
text(typeof p === "string" ? p : JSON.stringify(p));`;

const CODE_MODE_TURN = [
  [codeModeExec(CODE_MODE_JS)],
  [message('Wrote a.txt with exec_command and added b.txt with apply_patch from code mode.')],
];

// patch-retry: app.txt says "hello there"; the first patch expects "hello world".
const PATCH_RETRY_PROMPT = 'Put a comma in the greeting in app.txt, then move it to src/app.txt.';
const PATCH_BAD = [
  '*** Begin Patch',
  '*** Update File: app.txt',
  '@@',
  '-hello world',
  '+hello, world',
  '*** End Patch',
].join('\n');
const PATCH_GOOD = [
  '*** Begin Patch',
  '*** Update File: app.txt',
  '@@',
  '-hello there',
  '+hello, there',
  '*** End Patch',
].join('\n');
const PATCH_MOVE = [
  '*** Begin Patch',
  '*** Update File: app.txt',
  '*** Move to: src/app.txt',
  '@@',
  ' hello, there',
  '+bye',
  '*** End Patch',
].join('\n');
const PATCH_RETRY_FINAL =
  'The first patch did not apply (app.txt says "hello there", not "hello world"); the retry added the comma, and app.txt is now src/app.txt with a second line.';
const PATCH_RETRY_TURN = [
  [applyPatch(PATCH_BAD)],
  [execCommand('cat app.txt')],
  [applyPatch(PATCH_GOOD)],
  [applyPatch(PATCH_MOVE)],
  [message(PATCH_RETRY_FINAL)],
];

// interrupted: the only step is the slow command; the run is stopped while it runs.
const SLOW_PROMPT = 'Run the slow job.';
const SLOW_SH = 'sleep 30\necho slow job finished\n';
const INTERRUPTED_TURN = [[execCommand('sh slow.sh', { yield_time_ms: 10000 })]];

const PRE_ENVELOPE_TURN = [
  [shell(['bash', '-lc', "printf 'hi\\n' > hello.txt"])],
  [shell(['apply_patch', '*** Begin Patch\n*** Add File: notes.txt\n+one\n*** End Patch'])],
  [message('Created hello.txt with the shell tool and notes.txt with apply_patch.')],
];

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

interface Ctx {
  version: string;
  bin: string;
  mock: MockServer;
  home: string;
  codexHome: string;
  ws: string;
  run(args: string[]): Promise<{ stdout: string; threadIds: string[] }>;
  /**
   * A run stopped by `signal` (sent to the `codex` process we started, as `kill -INT <pid>` would)
   * once `ready(rollout text, codex pid)` holds; polled, not a fixed delay.
   */
  runSignalled(
    args: string[],
    signal: NodeJS.Signals,
    ready: (rollout: string, pid: number) => boolean,
  ): Promise<{
    stdout: string;
    threadIds: string[];
    code: number | null;
    signal: string | null;
    afterMs: number;
    leftRunning: string[];
  }>;
}

interface Scenario {
  name: string;
  fixtures: string[];
  version: string;
  model: string;
  script: MockScript;
  /** Extra top-level config.toml lines / provider lines for this version. */
  configExtra?: string;
  providerExtra?: string;
  steps: string[];
  commands: string[];
  /** Observations about the produced rollout, copied into the README. */
  notes: string[];
  /** Files (relative to ws) that must exist / be absent afterwards: proves the tools really ran. */
  expect: { present: string[]; absent: string[] };
  /** Files committed in the workspace beside README.md before Codex runs. */
  prepare?: Record<string, string>;
  body(ctx: Ctx): Promise<Record<string, string>>; // fixture name -> rollout path
  /** List the rollout's tool calls with their exact outputs and how the turn ended in the README. */
  showFacts?: boolean;
  /** What the rollouts must hold (fixture name -> its lines); returns the claims that failed. */
  verify?(rollouts: Record<string, RolloutLine[]>, ws: string): string[];
}

/** One parsed rollout line (paginated envelope: `{timestamp, type, payload, ordinal?}`). */
interface RolloutLine {
  type?: string;
  payload?: Record<string, unknown> & { type?: string };
}

const PROMPT_1 = 'Create hello.txt and notes.txt, add a test, make it pass and commit.';
const PROMPT_2 = 'Delete hello.txt and move notes.txt to docs/notes.md.';
const PROMPT_FORK = 'On this fork, show me what is in docs.';

const classicSteps = [
  "turn 1 (`exec`): exec_command `printf 'hi\\n' > hello.txt`",
  'apply_patch: Add `notes.txt`, Add `test.sh` (greps notes.txt for `tested`), Update `hello.txt`',
  'exec_command `sh test.sh` → FAILS (exit 1)',
  'apply_patch: Update `notes.txt` (adds `tested`)',
  'exec_command `sh test.sh` → passes',
  'exec_command `git add -A && git commit -qm "Add notes and hello"`',
  'final assistant message',
];
const classicTurn2Steps = [
  'turn 2 (`exec resume`): apply_patch `*** Delete File: hello.txt`',
  'apply_patch `*** Update File: notes.txt` + `*** Move to: docs/notes.md` (one hunk)',
  'final assistant message',
];

const scenarios: Scenario[] = [
  {
    name: 'paginated-classic',
    fixtures: ['paginated-classic.jsonl', 'paginated-fork.jsonl'],
    version: '0.169.0',
    model: 'gpt-5.5',
    script: [CLASSIC_TURN_1, CLASSIC_TURN_2, FORK_TURN],
    steps: [
      ...classicSteps,
      ...classicTurn2Steps,
      'fork (`exec fork <parent>`): exec_command `ls docs && cat docs/notes.md`, final message → `paginated-fork.jsonl`',
      'the parent rollout is copied after the fork ran → `paginated-classic.jsonl`',
    ],
    commands: [
      `codex exec --json -C <ws> "${PROMPT_1}"`,
      `codex exec --json -C <ws> resume <thread-id> "${PROMPT_2}"`,
      `codex exec --json -C <ws> fork <thread-id> "${PROMPT_FORK}"`,
    ],
    notes: [
      'Paginated envelope; commands/patches appear as `function_call`/`custom_tool_call` (+ outputs) and as `event_msg item_completed` `CommandExecution`/`FileChange` (ids = `call_id`). No `exec_command_end`/`patch_apply_end`.',
      '`exec resume` appends turn 2 to the same file (new `thread_settings_applied`, `task_started`, `turn_context`; no second `session_meta`).',
      "The fork's first line is `session_meta` with `ordinal` = the parent's line count, `forked_from_id` and `history_base.end_byte_offset` = the size of `paginated-classic.jsonl`; the parent's lines are not copied.",
    ],
    expect: { present: ['docs/notes.md', 'test.sh'], absent: ['hello.txt', 'notes.txt'] },
    async body(ctx) {
      const t1 = await ctx.run(['exec', '--json', '-C', ctx.ws, PROMPT_1]);
      const parent = single(t1.threadIds, 'turn 1');
      await ctx.run(['exec', '--json', '-C', ctx.ws, 'resume', parent, PROMPT_2]);
      const fork = await ctx.run(['exec', '--json', '-C', ctx.ws, 'fork', parent, PROMPT_FORK]);
      const child = single(
        fork.threadIds.filter((id) => id !== parent),
        'fork',
      );
      return {
        'paginated-fork.jsonl': rolloutFor(ctx.codexHome, child),
        'paginated-classic.jsonl': rolloutFor(ctx.codexHome, parent),
      };
    },
  },
  {
    name: 'paginated-code-mode',
    fixtures: ['paginated-code-mode.jsonl'],
    version: '0.169.0',
    model: 'gpt-6-sol',
    script: [CODE_MODE_TURN],
    steps: [
      'code-mode custom tool `exec` with JavaScript: `await tools.exec_command({ cmd: "printf \'x\\\\n\' > a.txt" })` and `await tools.apply_patch("*** Begin Patch\\n*** Add File: b.txt\\n+b\\n*** End Patch")`',
      'final assistant message',
    ],
    commands: [`codex exec --json -C <ws> "Create a.txt and b.txt."`],
    notes: [
      '`gpt-6-sol` gets code mode: a developer `additional_tools` item and a single custom `exec` tool; the output is an array of `input_text` parts (`tools.apply_patch` resolved to `{}`).',
      'The nested command and patch appear only as `item_completed` `CommandExecution` / `FileChange` with ids `exec-<uuid>` (not joinable to the `custom_tool_call`).',
    ],
    expect: { present: ['a.txt', 'b.txt'], absent: [] },
    async body(ctx) {
      const r = await ctx.run(['exec', '--json', '-C', ctx.ws, 'Create a.txt and b.txt.']);
      return { 'paginated-code-mode.jsonl': rolloutFor(ctx.codexHome, single(r.threadIds, 'code mode')) };
    },
  },
  {
    name: 'legacy-0.140',
    fixtures: ['legacy-0.140.jsonl'],
    version: '0.140.0',
    model: 'gpt-5.5',
    script: [CLASSIC_TURN_1, CLASSIC_TURN_2],
    steps: [...classicSteps, ...classicTurn2Steps],
    commands: [`codex exec --json -C <ws> "${PROMPT_1}"`, `codex exec --json -C <ws> resume <thread-id> "${PROMPT_2}"`],
    notes: [
      'Legacy envelope (`history_mode: null`); `event_msg user_message`/`agent_message`, `patch_apply_end` for each apply_patch, no `exec_command_end`; one `turn_context` per turn.',
    ],
    expect: { present: ['docs/notes.md', 'test.sh'], absent: ['hello.txt', 'notes.txt'] },
    async body(ctx) {
      const t1 = await ctx.run(['exec', '--json', '-C', ctx.ws, PROMPT_1]);
      const id = single(t1.threadIds, 'turn 1');
      await ctx.run(['exec', '--json', '-C', ctx.ws, 'resume', id, PROMPT_2]);
      return { 'legacy-0.140.jsonl': rolloutFor(ctx.codexHome, id) };
    },
  },
  {
    name: 'pre-envelope-0.20',
    fixtures: ['pre-envelope-0.20.jsonl'],
    version: '0.20.0',
    model: 'gpt-5',
    script: [PRE_ENVELOPE_TURN],
    steps: [
      'function tool `shell` `{"command":["bash","-lc","printf \'hi\\\\n\' > hello.txt"]}`',
      'apply_patch through `shell`: `{"command":["apply_patch","*** Begin Patch\\n*** Add File: notes.txt\\n+one\\n*** End Patch"]}`',
      'final assistant message',
    ],
    commands: [`codex exec --json -C <ws> "Create hello.txt and notes.txt."`],
    notes: [
      'Same config as the newer versions (no changes needed); the model slug is `gpt-5`, a model of that era (0.20 has no bundled catalog of the 0.1xx slugs).',
      'Bare objects: a `{id, timestamp, instructions, git}` header, `{"record_type":"state"}` lines, and `message` / `function_call` / `function_call_output` items; no events. Shell outputs are JSON strings `{"output":…,"metadata":{"exit_code",…}}`; the apply_patch through `shell` is applied by Codex itself.',
    ],
    expect: { present: ['hello.txt', 'notes.txt'], absent: [] },
    async body(ctx) {
      const r = await ctx.run(['exec', '--json', '-C', ctx.ws, 'Create hello.txt and notes.txt.']);
      return { 'pre-envelope-0.20.jsonl': rolloutFor(ctx.codexHome, single(r.threadIds, '0.20 turn')) };
    },
  },
  {
    name: 'patch-retry',
    fixtures: ['patch-retry.jsonl'],
    version: '0.169.0',
    model: 'gpt-5.5',
    script: [PATCH_RETRY_TURN],
    prepare: { 'app.txt': 'hello there\n' },
    steps: [
      'apply_patch `*** Update File: app.txt` whose hunk removes `hello world` (the file says `hello there`) → fails verification, nothing written',
      'exec_command `cat app.txt`',
      'apply_patch `*** Update File: app.txt` `-hello there` `+hello, there` → applied',
      'apply_patch `*** Update File: app.txt` + `*** Move to: src/app.txt` (context ` hello, there`, `+bye`) → applied (a rename with an edit)',
      'final assistant message',
    ],
    commands: [`codex exec --json -C <ws> "${PATCH_RETRY_PROMPT}"`],
    notes: [
      'The failed patch: its `custom_tool_call_output` says `apply_patch verification failed: Failed to find expected lines in <abs path>:` + the missing lines, with no `Exit code:` header, and no `item_completed` `FileChange` is written for it (the successful patches get one each, `status: "completed"`).',
      'The rename: `FileChange.changes` is keyed by the OLD absolute path (`type: "update"`, the unified diff of the edit) with `move_path` = the new absolute path; the output lists only `M src/app.txt`.',
    ],
    showFacts: true,
    expect: { present: ['src/app.txt'], absent: ['app.txt'] },
    async body(ctx) {
      const r = await ctx.run(['exec', '--json', '-C', ctx.ws, PATCH_RETRY_PROMPT]);
      return { 'patch-retry.jsonl': rolloutFor(ctx.codexHome, single(r.threadIds, 'patch-retry')) };
    },
    verify(rollouts, ws) {
      const lines = rollouts['patch-retry.jsonl'] ?? [];
      const failed: string[] = [];
      const calls = toolCalls(lines).filter((c) => c.name === 'apply_patch');
      const outs = calls.map((c) => c.output ?? '');
      if (calls.length !== 3) failed.push(`three apply_patch calls, got ${calls.length}`);
      if (!outs[0]?.startsWith('apply_patch verification failed: Failed to find expected lines in '))
        failed.push(`the first patch fails verification (got ${JSON.stringify(outs[0])})`);
      if (!outs.slice(1).every((o) => o.startsWith('Exit code: 0')))
        failed.push(`the other two patches apply (got ${JSON.stringify(outs.slice(1))})`);
      const changes = fileChanges(lines);
      if (calls[0] && changes.has(calls[0].callId)) failed.push('no FileChange item for the failed patch');
      const move = calls[2] ? changes.get(calls[2].callId) : undefined;
      const moved = move ? Object.values(move) : [];
      if (!(moved.length === 1 && moved[0]?.['move_path'] === join(ws, 'src', 'app.txt')))
        failed.push(`the rename's FileChange has move_path <ws>/src/app.txt (got ${JSON.stringify(move)})`);
      if (!lines.some((l) => l.payload?.type === 'task_complete')) failed.push('the turn completes (task_complete)');
      if (readFileSync(join(ws, 'src', 'app.txt'), 'utf8') !== 'hello, there\nbye\n')
        failed.push('src/app.txt ends as "hello, there\\nbye\\n"');
      return failed;
    },
  },
  {
    name: 'interrupted',
    fixtures: ['interrupted.jsonl'],
    version: '0.169.0',
    model: 'gpt-5.5',
    script: [INTERRUPTED_TURN],
    prepare: { 'slow.sh': SLOW_SH },
    steps: [
      'exec_command `sh slow.sh` (`sleep 30`; `yield_time_ms: 10000`); SIGINT to the `codex` process once the rollout holds the call and `sleep 30` runs',
    ],
    commands: [
      `codex exec --json -C <ws> "${SLOW_PROMPT}"   # SIGINT once the rollout shows the call and sleep 30 runs`,
    ],
    notes: [
      '`codex exec` ends with exit code 1 after the SIGINT (its `--json` stdout holds only `thread.started` and `turn.started`); the command is stopped with it: nothing is left running in the workspace (the script checks).',
      'The rollout keeps the `function_call` and gets a `function_call_output` for it ending in `aborted by user` (the command did not finish: no `item_completed` `CommandExecution`, no exit code), then a user `message` `<turn_aborted>…</turn_aborted>` (what the model is told next turn) and `event_msg` `turn_aborted` with `reason: "interrupted"` as the last line; no `task_complete`.',
    ],
    showFacts: true,
    expect: { present: [], absent: [] },
    async body(ctx) {
      const r = await ctx.runSignalled(
        ['exec', '--json', '-C', ctx.ws, SLOW_PROMPT],
        'SIGINT',
        (rollout, pid) => rollout.includes('sh slow.sh') && descendantRuns(pid, ['sleep', '30']),
      );
      console.log(`    SIGINT ${r.afterMs} ms after start; codex exited ${r.code ?? r.signal}`);
      if (r.code !== 1)
        throw new Error(`interrupted: expected codex to exit 1 after SIGINT, got ${r.code ?? r.signal}`);
      // The <turn_aborted> note says unified exec processes "may still be running in the background".
      console.log(
        `    left running in the workspace after codex exited: ${r.leftRunning.length > 0 ? r.leftRunning.join('; ') : 'nothing'}`,
      );
      if (r.leftRunning.length > 0)
        throw new Error(
          `interrupted: codex left ${r.leftRunning.join('; ')} running (the README says nothing is left)`,
        );
      return { 'interrupted.jsonl': rolloutFor(ctx.codexHome, single(r.threadIds, 'interrupted')) };
    },
    verify(rollouts) {
      const lines = rollouts['interrupted.jsonl'] ?? [];
      const failed: string[] = [];
      const calls = toolCalls(lines);
      const slow = calls.find((c) => c.name === 'exec_command' && c.input.includes('sh slow.sh'));
      if (calls.length !== 1 || !slow) failed.push(`one call, exec_command \`sh slow.sh\` (got ${calls.length})`);
      if (!slow?.output?.endsWith('aborted by user'))
        failed.push(`its output ends with "aborted by user" (got ${JSON.stringify(slow?.output)})`);
      if (
        slow &&
        lines.some(
          (l) =>
            l.payload?.type === 'item_completed' &&
            (l.payload['item'] as { id?: string } | undefined)?.id === slow.callId,
        )
      )
        failed.push('no item_completed for the interrupted command');
      const last = lines.at(-1);
      if (
        !(
          last?.type === 'event_msg' &&
          last.payload?.type === 'turn_aborted' &&
          last.payload['reason'] === 'interrupted'
        )
      )
        failed.push(`the last line is turn_aborted with reason "interrupted" (got ${JSON.stringify(last?.payload)})`);
      if (lines.some((l) => l.payload?.type === 'task_complete')) failed.push('no task_complete');
      if (
        !lines.some(
          (l) =>
            l.type === 'response_item' &&
            l.payload?.type === 'message' &&
            l.payload['role'] === 'user' &&
            JSON.stringify(l.payload['content']).includes('<turn_aborted>'),
        )
      )
        failed.push('a user message <turn_aborted>');
      return failed;
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function single(ids: string[], what: string): string {
  const unique = [...new Set(ids)];
  if (unique.length !== 1)
    throw new Error(`${what}: expected exactly one new rollout, got ${unique.length} (${unique.join(', ')})`);
  return unique[0]!;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const ROLLOUT_RE = /^rollout-.*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/;

function rollouts(codexHome: string): Map<string, { path: string; size: number }> {
  const out = new Map<string, { path: string; size: number }>();
  for (const p of walk(join(codexHome, 'sessions'))) {
    const m = ROLLOUT_RE.exec(basename(p));
    if (m) out.set(m[1]!, { path: p, size: statSync(p).size });
  }
  return out;
}

function rolloutFor(codexHome: string, threadId: string): string {
  const r = rollouts(codexHome).get(threadId);
  if (!r) throw new Error(`no rollout for thread ${threadId} under ${codexHome}/sessions`);
  return r.path;
}

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Path of the `codex` shim for a pinned version, installing it into the cache on first use. */
function ensureCodex(version: string): string {
  const candidates = [join(cacheRoot, `codex-${version}`)];
  for (const dir of candidates) {
    const bin = join(dir, 'node_modules', '.bin', 'codex');
    if (existsSync(bin) && codexVersion(bin) === version) return bin;
  }
  const dir = join(cacheRoot, `codex-${version}`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  console.log(`installing @openai/codex@${version} into ${dir} …`);
  sh('npm', ['install', '--no-audit', '--no-fund', '--save-exact', `@openai/codex@${version}`], { cwd: dir });
  const bin = join(dir, 'node_modules', '.bin', 'codex');
  const got = codexVersion(bin);
  if (got !== version) throw new Error(`installed codex reports ${got}, expected ${version}`);
  return bin;
}

function codexVersion(bin: string): string | null {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return /codex-cli (\S+)/.exec(r.stdout ?? '')?.[1] ?? null;
}

function configToml(s: Scenario, baseUrl: string): string {
  return [
    `model = "${s.model}"`,
    'model_provider = "mock"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    ...(s.configExtra ? [s.configExtra] : []),
    '',
    '[model_providers.mock]',
    'name = "Mock"',
    `base_url = "${baseUrl}/v1"`,
    'wire_api = "responses"',
    'env_key = "MOCK_API_KEY"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    ...(s.providerExtra ? [s.providerExtra] : []),
    '',
  ].join('\n');
}

function clientEnv(home: string, codexHome: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Keep the basics; drop anything that could point Codex at a real account or another home.
    if (/^(OPENAI_|CODEX_|AZURE_|ANTHROPIC_)/.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    CODEX_HOME: codexHome,
    MOCK_API_KEY: 'dummy',
    SHIPLOG_INTERNAL: '1',
    TZ: 'UTC',
    GIT_CONFIG_NOSYSTEM: '1',
    NO_COLOR: '1',
    RUST_LOG: 'error',
  };
}

function runCodex(
  bin: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  label: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => {
      killGroup(child.pid);
      reject(new Error(`${label}: timed out after ${RUN_TIMEOUT_MS} ms\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(child.pid); // anything the client left behind in its process group
      writeFileSync(join(logDir, `${label}.stdout.jsonl`), stdout);
      writeFileSync(join(logDir, `${label}.stderr.txt`), stderr);
      if (code !== 0)
        reject(new Error(`${label}: codex exited ${code ?? signal}\nstderr:\n${stderr}\nstdout:\n${stdout}`));
      else resolve(stdout);
    });
  });
}

/**
 * Like runCodex, but sends `signal` to the `codex` process once `ready(text of the rollouts this run
 * created or grew, pid)` holds (polled every 100 ms); the exit code is the client's to choose.
 */
function runCodexSignalled(
  bin: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  label: string,
  codexHome: string,
  signal: NodeJS.Signals,
  ready: (rollout: string, pid: number) => boolean,
): Promise<{ stdout: string; code: number | null; signal: string | null; afterMs: number; leftRunning: string[] }> {
  return new Promise((resolve, reject) => {
    const before = rollouts(codexHome);
    const started = Date.now();
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let sentAt: number | null = null;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const poll = setInterval(() => {
      if (sentAt !== null || child.pid === undefined) return;
      const text = [...rollouts(codexHome).entries()]
        .filter(([id, r]) => !before.has(id) || before.get(id)!.size !== r.size)
        .map(([, r]) => readFileSync(r.path, 'utf8'))
        .join('');
      if (ready(text, child.pid)) {
        sentAt = Date.now();
        child.kill(signal);
      }
    }, 100);
    const timer = setTimeout(() => {
      killGroup(child.pid);
      reject(new Error(`${label}: timed out after ${RUN_TIMEOUT_MS} ms\n${stderr}`));
    }, RUN_TIMEOUT_MS);
    child.on('error', (err) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, sig) => {
      clearInterval(poll);
      clearTimeout(timer);
      // What the client left running in the workspace once it exited (then stopped: ours to stop).
      const table = processTable();
      const left = processesIn(cwd).filter((pid) => pid !== child.pid);
      const leftRunning = left.map((pid) => table.get(pid)?.argv.join(' ') ?? String(pid));
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
      killGroup(child.pid); // the tool's processes, if the client left them running
      writeFileSync(join(logDir, `${label}.stdout.jsonl`), stdout);
      writeFileSync(join(logDir, `${label}.stderr.txt`), stderr);
      if (sentAt === null)
        reject(
          new Error(
            `${label}: codex ended (${code ?? sig}) before the moment to send ${signal} came\nstderr:\n${stderr}\nstdout:\n${stdout}`,
          ),
        );
      else resolve({ stdout, code, signal: sig, afterMs: sentAt - started, leftRunning });
    });
  });
}

/** Pids whose working folder is `dir` or inside it (what a command left running there). */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

interface RolloutCall {
  callId: string;
  name: string;
  /** `arguments` of a function call, `input` of a custom tool call. */
  input: string;
  output?: string;
}

/** Tool calls (`function_call` / `custom_tool_call` response items) with their outputs, in order. */
function toolCalls(lines: RolloutLine[]): RolloutCall[] {
  const calls: RolloutCall[] = [];
  for (const l of lines) {
    const p = l.payload;
    if (l.type !== 'response_item' || !p) continue;
    if (p.type === 'function_call' || p.type === 'custom_tool_call') {
      calls.push({
        callId: String(p['call_id']),
        name: String(p['name']),
        input: String(p.type === 'function_call' ? p['arguments'] : p['input']),
      });
    } else if (p.type === 'function_call_output' || p.type === 'custom_tool_call_output') {
      const call = calls.find((c) => c.callId === p['call_id']);
      const out = p['output'];
      if (call) call.output = typeof out === 'string' ? out : JSON.stringify(out);
    }
  }
  return calls;
}

/** `item_completed` `FileChange` items by id (= call_id): their `changes`. */
function fileChanges(lines: RolloutLine[]): Map<string, Record<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, Record<string, unknown>>>();
  for (const l of lines) {
    const item =
      l.payload?.type === 'item_completed'
        ? (l.payload['item'] as
            | { type?: string; id?: string; changes?: Record<string, Record<string, unknown>> }
            | undefined)
        : undefined;
    if (item?.type === 'FileChange' && item.id) out.set(item.id, item.changes ?? {});
  }
  return out;
}

function oneLine(s: string, max = 400): string {
  const flat = s.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** README lines: each call and its exact output, and how the turn ended. */
function rolloutFacts(lines: RolloutLine[]): string[] {
  const out: string[] = [];
  for (const c of toolCalls(lines)) {
    const what =
      c.name === 'exec_command'
        ? `exec_command \`${String((JSON.parse(c.input) as { cmd?: unknown }).cmd)}\``
        : `${c.name} \`${oneLine(c.input, 200)}\``;
    out.push(`${what} → output \`${c.output === undefined ? '(none)' : oneLine(c.output).replace(/`/g, "'")}\``);
  }
  for (const l of lines) {
    const p = l.payload;
    const text =
      l.type === 'response_item' && p?.type === 'message' && p['role'] === 'user' && Array.isArray(p['content'])
        ? (p['content'] as { text?: unknown }[]).map((c) => (typeof c.text === 'string' ? c.text : '')).join('')
        : '';
    if (text.startsWith('<turn_aborted>')) out.push(`user message: \`${oneLine(text)}\``);
  }
  const ends = lines.filter(
    (l) => l.type === 'event_msg' && (l.payload?.type === 'task_complete' || l.payload?.type === 'turn_aborted'),
  );
  for (const e of ends)
    out.push(
      `\`${e.payload?.type}\`${e.payload?.type === 'turn_aborted' ? ` reason \`${String(e.payload['reason'])}\`` : ''}`,
    );
  const types = new Map<string, number>();
  for (const l of lines) {
    const k = `${l.type ?? '?'}${l.payload?.type ? `/${l.payload.type}` : ''}`;
    types.set(k, (types.get(k) ?? 0) + 1);
  }
  out.push(`line types: ${[...types].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  return out;
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function initWorkspace(ws: string, env: NodeJS.ProcessEnv, files: Record<string, string> = {}): void {
  mkdirSync(ws, { recursive: true });
  sh('git', ['init', '-q', '-b', 'main'], { cwd: ws, env });
  sh('git', ['config', 'user.email', 'fixtures@shiplog.invalid'], { cwd: ws, env });
  sh('git', ['config', 'user.name', 'Shiplog Fixtures'], { cwd: ws, env });
  sh('git', ['config', 'commit.gpgsign', 'false'], { cwd: ws, env });
  writeFileSync(join(ws, 'README.md'), '# fixture workspace\n');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, name)), { recursive: true });
    writeFileSync(join(ws, name), content);
  }
  sh('git', ['add', '-A'], { cwd: ws, env });
  sh('git', ['commit', '-qm', 'Initial commit'], { cwd: ws, env });
}

function unanswered(requests: MockRequest[]): MockRequest[] {
  return requests.filter((r) => r.path.endsWith('/responses') && r.answered === null);
}

function scriptSize(script: MockScript): number {
  return script.reduce((n, turn) => n + turn.length, 0);
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

interface Result {
  scenario: Scenario;
  files: string[];
  workspace: string;
  truth: DiskTruth;
}

/**
 * test/fixtures/codex/fixtures.json: per recorded scenario, its Codex version, its rollout files, the
 * workspace (= the git repository root, the rollouts' cwd) and what happened there on disk
 * (scripts/fixture-disk.ts), with the commits made there. Scenarios not recorded by this run keep their entry; fixtures older than
 * this manifest (no entry) are not listed.
 */
type ManifestScenario = { version: string; fixtures: string[]; workspace: string } & DiskTruth;

async function runScenario(s: Scenario, tmpRoot: string): Promise<Result> {
  const bin = ensureCodex(s.version);
  const base = join(tmpRoot, s.name);
  const home = join(base, 'home');
  const codexHome = join(base, 'codex-home');
  const ws = join(base, 'ws');
  const logDir = join(base, 'logs');
  for (const d of [home, codexHome, logDir]) mkdirSync(d, { recursive: true });
  const env = clientEnv(home, codexHome);
  initWorkspace(ws, env, s.prepare);

  const mock = await startMockResponses(s.script, { title: 'Scripted fixture task' });
  try {
    writeFileSync(join(codexHome, 'config.toml'), configToml(s, mock.url));
    let n = 0;
    const ctx: Ctx = {
      version: s.version,
      bin,
      mock,
      home,
      codexHome,
      ws,
      async run(args) {
        const before = rollouts(codexHome);
        const label = `${String(++n).padStart(2, '0')}-${args.filter((a) => ['resume', 'fork'].includes(a))[0] ?? 'exec'}`;
        console.log(`  [${s.name}] codex ${s.version}: ${args.map((a) => (a === ws ? '<ws>' : a)).join(' ')}`);
        const stdout = await runCodex(bin, args, ws, env, logDir, label);
        const after = rollouts(codexHome);
        const threadIds = [...after.entries()]
          .filter(([id, r]) => !before.has(id) || before.get(id)!.size !== r.size)
          .map(([id]) => id);
        return { stdout, threadIds };
      },
      async runSignalled(args, signal, ready) {
        const before = rollouts(codexHome);
        const label = `${String(++n).padStart(2, '0')}-${signal}`;
        console.log(
          `  [${s.name}] codex ${s.version}: ${args.map((a) => (a === ws ? '<ws>' : a)).join(' ')}   # ${signal} when ready`,
        );
        const r = await runCodexSignalled(bin, args, ws, env, logDir, label, codexHome, signal, ready);
        const after = rollouts(codexHome);
        const threadIds = [...after.entries()]
          .filter(([id, x]) => !before.has(id) || before.get(id)!.size !== x.size)
          .map(([id]) => id);
        return { ...r, threadIds };
      },
    };
    // What happens on disk: the workspace (the repository root) from right before the first client
    // run to right after the last; CODEX_HOME and HOME are outside it.
    const start = startState(ws, true);
    const produced = await s.body(ctx);
    const truth = diskTruth(start, ws);

    const bad = unanswered(mock.requests);
    if (bad.length > 0) throw new Error(`${s.name}: ${bad.length} request(s) had no scripted step`);
    const answered = new Set(
      mock.requests.flatMap((r) =>
        r.answered && r.answered !== 'title' ? [`${r.answered.turn}:${r.answered.step}`] : [],
      ),
    );
    if (answered.size !== scriptSize(s.script)) {
      throw new Error(`${s.name}: only ${answered.size} of ${scriptSize(s.script)} scripted steps were requested`);
    }
    for (const f of s.expect.present)
      if (!existsSync(join(ws, f))) throw new Error(`${s.name}: expected ${f} in the workspace`);
    for (const f of s.expect.absent)
      if (existsSync(join(ws, f))) throw new Error(`${s.name}: expected ${f} to be gone`);

    if (s.verify) {
      const parsed = Object.fromEntries(
        Object.entries(produced).map(([name, src]) => [
          name,
          readFileSync(src, 'utf8')
            .split('\n')
            .filter((l) => l.length > 0)
            .map((l) => JSON.parse(l) as RolloutLine),
        ]),
      );
      const failed = s.verify(parsed, ws);
      if (failed.length > 0)
        throw new Error(
          `${s.name}: the client did not produce what the scenario claims:\n  - ${failed.join('\n  - ')}`,
        );
    }

    mkdirSync(outDir, { recursive: true });
    const files: string[] = [];
    for (const [name, src] of Object.entries(produced)) {
      copyFileSync(src, join(outDir, name));
      files.push(name);
    }
    return { scenario: s, files, workspace: ws, truth };
  } finally {
    await mock.close();
    // Kept only with SHIPLOG_KEEP_TMP=1 (debugging): what Codex sent to the mock.
    writeFileSync(join(logDir, 'requests.json'), JSON.stringify(mock.requests, null, 2));
  }
}

function lineCount(p: string): number {
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0).length;
}

function writeReadme(manifest: Manifest<ManifestScenario>): void {
  const rows = scenarios.flatMap((s) =>
    s.fixtures.map((f) => {
      const p = join(outDir, f);
      return `| \`${f}\` | ${s.version} | \`${s.model}\` | ${existsSync(p) ? lineCount(p) : '(not generated)'} |`;
    }),
  );
  const sections = scenarios.map((s) =>
    [
      `### ${s.name} — Codex ${s.version}, model \`${s.model}\``,
      '',
      `Fixtures: ${s.fixtures.map((f) => `\`${f}\``).join(', ')}`,
      '',
      'Commands (run in the workspace, `MOCK_API_KEY=dummy TZ=UTC SHIPLOG_INTERNAL=1`):',
      '',
      '```',
      ...s.commands,
      '```',
      '',
      'Scripted model steps (each is one mock response):',
      '',
      ...s.steps.map((st, i) => `${i + 1}. ${st}`),
      '',
      'Observed:',
      '',
      ...s.notes.map((n) => `- ${n}`),
      ...(manifest.scenarios[s.name] ? [`- ${diskLine(manifest.scenarios[s.name]!.disk)}`] : []),
      ...(manifest.scenarios[s.name]?.commits ? [`- ${commitsLine(manifest.scenarios[s.name]!.commits)}`] : []),
      ...(s.showFacts
        ? s.fixtures.flatMap((f) => {
            const p = join(outDir, f);
            if (!existsSync(p)) return [];
            const lines = readFileSync(p, 'utf8')
              .split('\n')
              .filter((l) => l.length > 0)
              .map((l) => JSON.parse(l) as RolloutLine);
            return [
              '',
              `\`${f}\` (${lines.length} lines, ${statSync(p).size} bytes):`,
              '',
              ...rolloutFacts(lines).map((x) => `- ${x}`),
            ];
          })
        : []),
      ...(s.configExtra || s.providerExtra
        ? ['', `Extra config: \`${[s.configExtra, s.providerExtra].filter(Boolean).join('; ')}\``]
        : []),
      '',
    ].join('\n'),
  );
  const text = `# Codex rollout fixtures

Real rollout files written by the real Codex CLI — **not** hand-written and not copied from anywhere.
They were produced by \`scripts/make-codex-fixtures.ts\` (\`node --import tsx scripts/make-codex-fixtures.ts\`),
which runs pinned npm releases of \`@openai/codex\` (cached outside the repository in
\`~/.cache/shiplog-e2e/codex-<version>\` (\`$SHIPLOG_CODEX_CACHE\`)) fully offline against the scripted loopback mock of the OpenAI
Responses API in \`test/e2e/mock-responses.ts\`. No notify program and no hooks were configured.

Each scenario uses a throwaway \`CODEX_HOME\`, \`HOME\` and git workspace (with one initial commit and a local
git user) under a \`mkdtemp\` folder, \`TZ=UTC\`, \`SHIPLOG_INTERNAL=1\`, and this \`config.toml\`:

\`\`\`toml
model = "<model>"
model_provider = "mock"
approval_policy = "never"
sandbox_mode = "danger-full-access"

[model_providers.mock]
name = "Mock"
base_url = "http://127.0.0.1:<port>/v1"
wire_api = "responses"
env_key = "MOCK_API_KEY"
request_max_retries = 0
stream_max_retries = 0
\`\`\`

The rollouts are copied from \`$CODEX_HOME/sessions/**\`. They contain Codex's own base instructions,
absolute temp paths (\`/tmp/shiplog-codex-fixtures-*/…/ws\`) and real timestamps/ids of the run; the
commands really ran in the workspace (the script checks the resulting files). Regenerating changes ids,
timestamps and paths.

\`fixtures.json\` lists, for each scenario this script recorded, its Codex version, its rollout files, the
workspace (the git repository root and the rollouts' cwd) and what happened there on disk: the workspace is
snapshotted right before the first client run (after its setup and initial commit) and right after the last
one (every regular file's sha256, \`.git/\` excluded), and \`"disk": { "created", "modified", "deleted" }\`
holds the sorted posix paths relative to it that differ, \`"tracked"\` the \`git ls-files\` at the start and
\`"before"\` the text of every file at the start (so a test can rebuild the starting repository; the script
refuses more than 64 KiB); \`"commits"\` lists the commits made between the two snapshots, oldest first, each
\`{ "hash", "at", "subject" }\` (\`git log --reverse --format=%H%x1f%cI%x1f%s <start HEAD>..HEAD\`: full
hash, committer date in strict ISO 8601, subject). A rollout that commits with \`git commit -q\` shows no
hash, and shiplog finds such a commit in the repository by subject and time, so a test replays these
commits (same subject and date; the hash differs) into the rebuilt repository. \`test/codex-fixtures.ts\`
reads it (\`codexFixtureDisk(scenario)\`). Scenarios
without an entry (\`legacy-0.140\`, \`pre-envelope-0.20\`: Codex 0.140.0 and 0.20.0) were last recorded
before the manifest existed. Codex prints a harmless warning on stderr (\`could not create PATH aliases: Refusing to
create helper binaries under temporary dir "/tmp"\`), because \`CODEX_HOME\` lives under \`/tmp\`.

| file | Codex | model | lines |
|---|---|---|---|
${rows.join('\n')}

Formats: \`paginated-*\` = paginated envelope (\`ordinal\`, \`history_mode: "paginated"\`, 0.148+);
\`legacy-0.140\` = legacy envelope (\`{timestamp,type,payload}\`); \`pre-envelope-0.20\` = bare objects (0.20).

## Scenarios

${sections.join('\n')}`;
  writeFileSync(join(outDir, 'README.md'), text);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !scenarios.some((s) => s.name === w));
  if (unknown.length > 0)
    throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  const selected = scenarios.filter((s) => wanted.length === 0 || wanted.includes(s.name));
  const tmpRoot = mkdtempSync(join(tmpdir(), 'shiplog-codex-fixtures-'));
  const keep = process.env['SHIPLOG_KEEP_TMP'] === '1';
  const cleanup = (): void => {
    if (!keep) rmSync(tmpRoot, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  const failures: string[] = [];
  const manifest = readManifest<ManifestScenario>(manifestPath);
  try {
    for (const s of selected) {
      try {
        const r = await runScenario(s, tmpRoot);
        for (const f of r.files)
          console.log(`  wrote ${relative(repoRoot, join(outDir, f))} (${lineCount(join(outDir, f))} lines)`);
        manifest.scenarios[s.name] = { version: s.version, fixtures: r.files, workspace: r.workspace, ...r.truth };
        console.log(`  ${diskLine(r.truth.disk)}`);
        console.log(`  ${commitsLine(r.truth.commits)}`);
      } catch (err) {
        failures.push(s.name);
        console.error(`  [${s.name}] FAILED: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    mkdirSync(outDir, { recursive: true });
    writeManifest(manifestPath, manifest, scenarios);
    writeReadme(manifest);
  } finally {
    if (keep) console.log(`kept temp dir ${tmpRoot}`);
    cleanup();
  }
  if (failures.length > 0) {
    console.error(`failed scenarios: ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
