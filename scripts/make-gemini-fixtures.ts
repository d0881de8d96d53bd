// Produces REAL Gemini CLI session fixtures by running the pinned release of `@google/gemini-cli`
// (test/e2e/clients.ts) headless and offline against the loopback Gemini API mock in
// test/e2e/gemini-mock.ts, through test/e2e/gemini-driver.ts.
//
//   node --import tsx scripts/make-gemini-fixtures.ts [scenario ...]
//
// The client is installed once into the e2e cache (~/.cache/shiplog-e2e/gemini-<version>, outside the
// repository) and reused. Every scenario gets a throwaway HOME (with ~/.gemini/settings.json) and git
// workspace under one mkdtemp folder, TZ=UTC and SHIPLOG_INTERNAL=1; the session files are copied from
// $HOME/.gemini/tmp/<project>/chats/ to test/fixtures/gemini/, each recorded scenario's entry in
// test/fixtures/gemini/fixtures.json (workspace and what happened on disk) is replaced, and
// test/fixtures/gemini/README.md is regenerated. Temp folders and the mock are removed/closed on exit,
// also on failure; processes a run leaves behind in the workspace are killed (and reported).
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
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
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENTS, e2eCache, ensureClient } from '../test/e2e/clients.js';
import {
  answeredSteps,
  functionCall,
  replace,
  runShell,
  scriptSize,
  startGeminiMock,
  text,
  thought,
  writeFile,
  type GeminiMockRequest,
  type GeminiMockServer,
  type GeminiScript,
} from '../test/e2e/gemini-mock.js';
import {
  defaultGeminiSettings,
  geminiArgv,
  listGeminiSessions,
  readSessionRecords,
  runGeminiTurn,
  type GeminiTurnResult,
  type SessionRecord,
  type Settings,
} from '../test/e2e/gemini-driver.js';
import { type Manifest, readManifest, writeManifest } from './fixture-manifest.js';
import { commitsLine, diskLine, diskTruth, startState, type DiskTruth } from './fixture-disk.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(repoRoot, 'test', 'fixtures', 'gemini');
const manifestPath = join(outDir, 'fixtures.json');
const RUN_TIMEOUT_MS = 180_000;
/** The last release that writes `.json` session files (0.39.0 switched to `.jsonl`; see docs/gemini-cli.md). */
const LEGACY_VERSION = '0.38.2';

// ---------------------------------------------------------------------------------------------
// Scripted conversations
// ---------------------------------------------------------------------------------------------

const GREET_BUGGY = "exports.greet = (name) => 'Hello ' + name;\n";
const GREET_TEST = [
  "const assert = require('node:assert');",
  "const { greet } = require('./greet');",
  "assert.strictEqual(greet('Ada'), 'Hello, Ada!');",
  "console.log('ok: greet');",
  '',
].join('\n');

const BUILD_PROMPT_1 = 'Create greet.js with a greet(name) function and a test for it in test.js, then run the test.';
const BUILD_PROMPT_2 = 'Fix greet so the test passes, run it again and commit.';
const BUILD_FINAL_1 =
  'I created greet.js and test.js. The test fails: greet("Ada") returns "Hello Ada" instead of "Hello, Ada!".';
const BUILD_FINAL_2 = 'greet.js now returns "Hello, Ada!"; the test passes and both files are committed.';
const BUILD_COMMIT = 'Add greet with a passing test';

const BUILD_SCRIPT: GeminiScript = [
  [
    [
      thought('**Planning the module** greet.js first, then a test that pins the greeting.'),
      text('I will create the module and its test.'),
      writeFile('greet.js', GREET_BUGGY),
      writeFile('test.js', GREET_TEST),
    ],
    [runShell('node test.js', 'Run the greet test')],
    [text(BUILD_FINAL_1)],
  ],
  [
    [
      replace(
        'greet.js',
        "'Hello ' + name",
        '`Hello, ${name}!`',
        'Make greet return "Hello, <name>!" with a comma and an exclamation mark.',
      ),
    ],
    [runShell('node test.js', 'Run the greet test again')],
    [runShell(`git add greet.js test.js && git commit -q -m "${BUILD_COMMIT}"`, 'Commit greet.js and test.js')],
    [text(BUILD_FINAL_2)],
  ],
];

const HOOKS_PROMPTS = ['Write notes.txt saying hello.', 'Show me notes.txt.', 'Append a second line to notes.txt.'];
const HOOKS_SCRIPT: GeminiScript = [
  [[writeFile('notes.txt', 'hello\n')], [text('notes.txt says hello.')]],
  [[runShell('cat notes.txt', 'Show notes.txt')], [text('notes.txt holds one line: hello.')]],
  [[runShell('echo two >> notes.txt', 'Append a line to notes.txt')], [text('notes.txt has two lines now.')]],
];

const FAILED_PROMPT = 'Put a comma in the greeting in app.txt and add a package.json.';
const FAILED_FINAL =
  'The first edit did not match (app.txt says "hello there"), the retry worked; package.json was refused by policy, check.sh exits 3 and no_such_tool does not exist.';
const FAILED_SCRIPT: GeminiScript = [
  [
    [replace('app.txt', 'hello world', 'hello, world', 'Add a comma after hello.')], // old_string not in the file: error
    [runShell('cat app.txt', 'Show app.txt')],
    [replace('app.txt', 'hello there', 'hello, there', 'Add a comma after hello.')], // succeeds
    [writeFile('package.json', '{ "name": "fixture" }\n')], // a build file: denied by policy in headless mode
    [runShell('sh check.sh', 'Run the check')], // exits 3: the call itself succeeds
    [functionCall('no_such_tool', { what: 'nothing' })], // unknown tool
    [text(FAILED_FINAL)],
  ],
];

const INTERRUPTED_PROMPT = 'Run the slow job.';
const INTERRUPTED_SCRIPT: GeminiScript = [
  [[runShell('sh slow.sh', 'Run the slow job')], [text('never sent: the run is stopped first')]],
];

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

interface Run extends GeminiTurnResult {
  label: string;
  startedAt: string;
}

interface Ctx {
  bin: string;
  home: string;
  ws: string;
  root: string;
  mock: GeminiMockServer;
  /** One headless run of the client (`resume` → `--resume latest`). */
  run(prompt: string, opts?: { resume?: boolean; settings?: Settings; signalWhen?: () => boolean }): Promise<Run>;
  runs: Run[];
  /** Copies the session file at `src` now (before later runs change it) as fixture `name`. */
  snapshot(src: string, name: string): void;
  /** Fixture name → the session file it was copied from. */
  sessionPaths: Record<string, string>;
  /** Command lines of processes the runs left in the workspace (the interrupted run). */
  leftRunning: string[];
}

interface Scenario {
  name: string;
  /** A client version other than the pinned one (installed into the same cache). */
  version?: string;
  fixtures: string[];
  script: GeminiScript;
  prompts: string[];
  /** Files (relative to ws) committed before the client runs, beside README.md. */
  prepare?: Record<string, string>;
  steps: string[];
  /** Observations about the produced files, copied into the README (checked by `verify`). */
  notes: string[];
  /** User settings on top of the driver's defaults (hooks). */
  settings?(ctx: Ctx): Settings;
  body(ctx: Ctx): Promise<void>;
  /** What the recorded files must show; returns the claims that failed. */
  verify(files: Record<string, string>, ctx: Ctx): string[];
  /** Steps of the script that the client is not expected to request (the interrupted run). */
  unrequested?: number;
}

/** A capture hook: `<event>\t<stdin>` appended to `<root>/hook-capture.tsv` (one line: the payload is one JSON line). */
function captureHook(ctx: Ctx): Settings {
  const script = join(ctx.root, 'capture-hook.sh');
  const out = join(ctx.root, 'hook-capture.tsv');
  writeFileSync(
    script,
    `#!/bin/sh\n# $1 = event name; stdin = the JSON payload\nprintf '%s\\t%s\\n' "$1" "$(cat)" >> '${out}'\n`,
  );
  chmodSync(script, 0o755);
  const hooks: Settings = {};
  for (const event of ['SessionStart', 'BeforeAgent', 'AfterAgent', 'SessionEnd']) {
    hooks[event] = [
      {
        matcher: '*',
        hooks: [{ type: 'command', name: `capture-${event}`, command: `'${script}' ${event}`, timeout: 10_000 }],
      },
    ];
  }
  return { hooks };
}

interface Captured {
  event: string;
  /** 1-based index of the client run that fired it. */
  run: number;
  payload: Record<string, unknown>;
}

function readCaptured(ctx: Ctx): Captured[] {
  const file = join(ctx.root, 'hook-capture.tsv');
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  // Runs in order: a payload belongs to the run whose start is the latest before its timestamp.
  return lines.map((l) => {
    const tab = l.indexOf('\t');
    const payload = JSON.parse(l.slice(tab + 1)) as Record<string, unknown>;
    const at = String(payload['timestamp'] ?? '');
    const run = ctx.runs.filter((r) => r.startedAt <= at).length;
    return { event: l.slice(0, tab), run, payload };
  });
}

function writeCaptured(ctx: Ctx, name: string): void {
  const lines = readCaptured(ctx).map((c) => JSON.stringify(c));
  writeFileSync(join(ctx.root, 'out', name), `${lines.join('\n')}\n`);
}

/** The UTC minute a session file is named after (`session-2026-12-07T14-31-<id8>.jsonl` → `2026-12-07T14:31`). */
function fileMinute(path: string): string {
  const m = /session-(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-[^/]*$/.exec(path);
  if (!m) throw new Error(`not a session file name: ${path}`);
  return `${m[1]}:${m[2]}`;
}

/**
 * Waits until the wall-clock minute (UTC) is past the one the session file is named after, so the next
 * (resumed) run starts its own recording under another name. (A run's start time is not enough: the
 * CLI names the file a few seconds after it was spawned, possibly in the next minute.)
 */
async function pastFileMinute(path: string): Promise<void> {
  const minute = fileMinute(path);
  while (new Date().toISOString().slice(0, 16) <= minute) await new Promise((r) => setTimeout(r, 250));
}

/** If fewer than `needSeconds` are left in this minute, waits for the next one (so the next runs share a minute). */
async function roomInMinute(needSeconds: number): Promise<void> {
  const now = new Date();
  if (60 - now.getUTCSeconds() >= needSeconds) return;
  const minute = now.toISOString().slice(0, 16);
  while (new Date().toISOString().slice(0, 16) === minute) await new Promise((r) => setTimeout(r, 250));
}

function mainSession(ctx: Ctx): string {
  const files = listGeminiSessions(ctx.home);
  const resumable = files.filter((f) =>
    readSessionRecords(f.path).some(
      (r) => r['type'] === 'user' && !String(JSON.stringify(r['content'])).includes('<session_context>'),
    ),
  );
  if (resumable.length !== 1)
    throw new Error(
      `expected one session file with a prompt, got ${resumable.map((f) => f.path).join(', ') || 'none'}`,
    );
  return resumable[0]!.path;
}

/** Session files that hold no prompt (what a resumed run creates before it loads the old session). */
function stubSessions(ctx: Ctx): string[] {
  const main = mainSession(ctx);
  return listGeminiSessions(ctx.home)
    .map((f) => f.path)
    .filter((p) => p !== main);
}

const records = (files: Record<string, string>, name: string): SessionRecord[] =>
  (files[name] ?? '')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as SessionRecord);

interface ToolCallRecord {
  id: string;
  name: string;
  args: Record<string, unknown>;
  status: string;
  result?: Array<{ functionResponse?: { response?: { output?: string; error?: string } } }>;
  resultDisplay?: unknown;
}

/** The tool calls of a session in the order the CLI recorded them (the last record of each gemini message id wins). */
function toolCalls(recs: SessionRecord[]): ToolCallRecord[] {
  const seen = new Map<string, ToolCallRecord[]>();
  for (const r of recs)
    if (r['type'] === 'gemini' && typeof r['id'] === 'string')
      seen.set(r['id'], (r['toolCalls'] as ToolCallRecord[] | undefined) ?? []);
  return [...seen.values()].flat();
}

function responseOf(tc: ToolCallRecord | undefined): { output?: string; error?: string } {
  return tc?.result?.[0]?.functionResponse?.response ?? {};
}

const isPrefix = (a: string, b: string) => b.startsWith(a) && b.length > a.length;

const scenarios: Scenario[] = [
  {
    name: 'build',
    fixtures: ['build.turn1.jsonl', 'build.jsonl', 'build.resume-stub.jsonl'],
    script: BUILD_SCRIPT,
    prompts: [BUILD_PROMPT_1, BUILD_PROMPT_2],
    steps: [
      'turn 1 (`gemini -p`): a thought part, text and two parallel calls in one response: write_file `greet.js` (returns `"Hello " + name`), write_file `test.js` (asserts `"Hello, Ada!"`)',
      'run_shell_command `node test.js` → the test FAILS (AssertionError, `Exit Code: 1` in the output; the call status is still `success`)',
      'final text of turn 1 → `build.turn1.jsonl` is copied now',
      'turn 2 (`gemini -p … --resume latest`, started in a later minute than turn 1): replace in `greet.js` (with `instruction`)',
      'run_shell_command `node test.js` → passes',
      `run_shell_command \`git add greet.js test.js && git commit -q -m "${BUILD_COMMIT}"\``,
      'final text of turn 2 → `build.jsonl`; the file the resumed run created first → `build.resume-stub.jsonl`',
    ],
    notes: [
      'JSONL, append-only: `build.turn1.jsonl` is a byte prefix of `build.jsonl` (checked). Line 1 is the metadata record `{sessionId, projectHash, startTime, lastUpdated, kind: "main"}`; then `{"$set":{"messages":[<session_context user message>]}}`, the prompt as a `user` message, `{"$set":{"lastUpdated"}}` after each message.',
      'Every model response is appended as a `gemini` message (content = its text, `toolCalls` absent) and, once its tool calls finished, appended AGAIN with the same `id` and `toolCalls[]` (`id`, `name`, `args`, `result` = functionResponse parts, `status`, `timestamp`, `resultDisplay`, `description`, `displayName`, `renderOutputAsMarkdown`); right after it the function responses are appended as a `user` message whose content is the functionResponse parts (checked). Readers fold by id, last record wins.',
      'The two parallel write_file calls are one gemini message with two `toolCalls`; its `content` is the text only, and the thought part became `thoughts: [{subject, description, timestamp}]` (subject = the `**bold**` lead of the thought text) (checked). The resumed turn appends to the same file (same `sessionId`).',
      'Resume: the resumed process first starts a fresh recording for the same session id, named after the CURRENT minute (`session-<new minute>-<id8>.jsonl`): a second file with only a metadata line and the `<session_context>` message (`build.resume-stub.jsonl`, never deleted in headless mode). Then it loads the old file and appends to it `{"$set":{"sessionId"}}` and `{"$set":{"messages":[…]}}` with the whole history rebuilt from the API history, before the new prompt. In that rebuilt list (checked) the loaded messages keep their fields (`timestamp`, `toolCalls`) but a gemini message\'s `content` becomes its parts array (text and functionCall parts), and each tool-calling gemini message is followed by an extra `user` message with id `<gemini id>_response` (its function responses, timestamp = the resume) besides the original function-response user message.',
    ],
    async body(ctx) {
      await ctx.run(BUILD_PROMPT_1);
      ctx.snapshot(mainSession(ctx), 'build.turn1.jsonl');
      // The general case: a later turn starts in another minute than the session file's name.
      await pastFileMinute(mainSession(ctx));
      await ctx.run(BUILD_PROMPT_2, { resume: true });
      ctx.snapshot(mainSession(ctx), 'build.jsonl');
      const stubs = stubSessions(ctx);
      if (stubs.length !== 1)
        throw new Error(`build: expected one stub session file from the resume, got ${stubs.length}`);
      ctx.snapshot(stubs[0]!, 'build.resume-stub.jsonl');
    },
    verify(files, ctx) {
      const failed: string[] = [];
      const t1 = files['build.turn1.jsonl'] ?? '';
      const all = files['build.jsonl'] ?? '';
      if (!isPrefix(t1, all)) failed.push('build.turn1.jsonl is a byte prefix of build.jsonl');
      const recs = records(files, 'build.jsonl');
      const calls = toolCalls(recs);
      const names = calls.map((c) => c.name).join(',');
      if (names !== 'write_file,write_file,run_shell_command,replace,run_shell_command,run_shell_command')
        failed.push(`tool calls in order (got ${names})`);
      if (!calls.every((c) => c.status === 'success'))
        failed.push(`all calls have status success (got ${calls.map((c) => c.status).join(',')})`);
      if (!/Exit Code: 1/.test(responseOf(calls[2]).output ?? ''))
        failed.push(`the first node test.js output has "Exit Code: 1" (got ${JSON.stringify(responseOf(calls[2]))})`);
      if (/Exit Code:/.test(responseOf(calls[4]).output ?? ''))
        failed.push('the second node test.js output has no "Exit Code:" line');
      const twoCalls = recs.filter(
        (r) => r['type'] === 'gemini' && Array.isArray(r['toolCalls']) && (r['toolCalls'] as unknown[]).length === 2,
      );
      if (twoCalls.length === 0) failed.push('one gemini message holds both write_file calls');
      const thoughts = (twoCalls[0]?.['thoughts'] ?? []) as Array<Record<string, unknown>>;
      if (
        !(
          thoughts.length === 1 &&
          thoughts[0]!['subject'] === 'Planning the module' &&
          typeof thoughts[0]!['timestamp'] === 'string'
        )
      )
        failed.push(`thoughts [{subject: "Planning the module", …}] (got ${JSON.stringify(thoughts)})`);
      if (twoCalls[0]?.['content'] !== 'I will create the module and its test.')
        failed.push(`the message content is its text (got ${JSON.stringify(twoCalls[0]?.['content'])})`);
      const sets = recs.filter((r) => r['$set'] && Array.isArray((r['$set'] as Record<string, unknown>)['messages']));
      if (sets.length < 2) failed.push('a $set messages record at the start and another one at the resume');
      if (!recs.some((r) => r['$set'] && typeof (r['$set'] as Record<string, unknown>)['sessionId'] === 'string'))
        failed.push('a {"$set":{"sessionId"}} record at the resume');
      const stub = records(files, 'build.resume-stub.jsonl');
      if (!(stub.length === 2 && stub[0]?.['sessionId'] === recs[0]?.['sessionId']))
        failed.push(`the stub has 2 records and the same sessionId (got ${stub.length})`);
      // Each gemini message with toolCalls was first appended without them, and a user function-response message follows it.
      recs.forEach((r, i) => {
        if (r['type'] !== 'gemini' || !Array.isArray(r['toolCalls'])) return;
        if (!recs.slice(0, i).some((e) => e['id'] === r['id'] && e['toolCalls'] === undefined))
          failed.push(`gemini ${String(r['id'])} was appended before without toolCalls`);
        const next = recs[i + 1];
        const ids = (r['toolCalls'] as ToolCallRecord[])
          .map((t) => t.id)
          .sort()
          .join(',');
        const resp = Array.isArray(next?.['content'])
          ? (next!['content'] as Array<{ functionResponse?: { id?: string } }>)
              .map((p) => p.functionResponse?.id)
              .sort()
              .join(',')
          : '';
        if (!(next?.['type'] === 'user' && resp === ids))
          failed.push(`a user message with the function responses ${ids} follows gemini ${String(r['id'])}`);
      });
      const rebuilt = ((sets.at(-1)?.['$set'] as Record<string, unknown> | undefined)?.['messages'] ??
        []) as SessionRecord[];
      const withCalls = rebuilt.filter((m) => m['type'] === 'gemini' && Array.isArray(m['toolCalls']));
      if (withCalls.length !== 2)
        failed.push(
          `the resume's $set messages keeps toolCalls on the two tool-calling gemini messages (got ${withCalls.length})`,
        );
      if (
        !withCalls.every(
          (m) =>
            Array.isArray(m['content']) &&
            (m['content'] as Array<Record<string, unknown>>).some((p) => p['functionCall'] !== undefined),
        )
      )
        failed.push('their content is a parts array with functionCall parts');
      if (
        !withCalls.every((m) => rebuilt.some((x) => x['id'] === `${String(m['id'])}_response` && x['type'] === 'user'))
      )
        failed.push('a <id>_response user message for each of them');
      if (readFileSync(join(ctx.ws, 'greet.js'), 'utf8') !== 'exports.greet = (name) => `Hello, ${name}!`;\n')
        failed.push('greet.js ends fixed');
      return failed;
    },
  },
  {
    name: 'hooks',
    fixtures: ['hooks.jsonl', 'hooks.resume-stub.jsonl', 'hook-payloads.jsonl'],
    script: HOOKS_SCRIPT,
    prompts: HOOKS_PROMPTS,
    steps: [
      'run 1 (`gemini -p`): write_file `notes.txt`, final text',
      'run 2 (`--resume latest`, the same minute as run 1): run_shell_command `cat notes.txt`, final text',
      'run 3 (`--resume latest`, a later minute): run_shell_command `echo two >> notes.txt`, final text',
      'capture hooks for SessionStart, BeforeAgent, AfterAgent and SessionEnd in the user settings (`~/.gemini/settings.json`); every payload → `hook-payloads.jsonl` as `{"event","run","payload"}`',
    ],
    notes: [
      'All four events fire in headless mode, once per run each, in the order SessionStart, BeforeAgent, AfterAgent, SessionEnd (checked). `session_id` is the same in all three runs; SessionStart has `source` `startup` then `resume`; SessionEnd has `reason: "exit"`; AfterAgent has `prompt`, `prompt_response` (the final text) and `stop_hook_active: false`.',
      '`transcript_path` is the session file (`~/.gemini/tmp/<project>/chats/session-….jsonl`). In run 2 (same minute) every event names the one session file. In run 3 (a later minute) SessionStart names the stub the resumed run created first (`hooks.resume-stub.jsonl`), while BeforeAgent, AfterAgent and SessionEnd name the real session file (checked).',
      'In run 2 (same minute) the stub and the real file have the same name: the resumed run appends its fresh metadata line (a new `startTime`) and `{"$set":{"messages":[<session_context>]}}` to the real file, then loads it, so the loaded history is empty and the rebuilt `$set messages` re-creates every earlier message from the API history: no `toolCalls`, every `timestamp` = the resume (checked). The raw records of run 1 stay above it in the file.',
    ],
    settings: captureHook,
    async body(ctx) {
      await roomInMinute(30);
      await ctx.run(HOOKS_PROMPTS[0]!);
      await ctx.run(HOOKS_PROMPTS[1]!, { resume: true });
      // Run 2 resumed within the file's minute: it made no second file.
      if (listGeminiSessions(ctx.home).length !== 1)
        throw new Error('hooks: run 2 did not start in the minute of the session file; run it again');
      await pastFileMinute(mainSession(ctx));
      await ctx.run(HOOKS_PROMPTS[2]!, { resume: true });
      ctx.snapshot(mainSession(ctx), 'hooks.jsonl');
      const stubs = stubSessions(ctx);
      if (stubs.length !== 1)
        throw new Error(`hooks: expected one stub session file (from run 3), got ${stubs.length}`);
      ctx.snapshot(stubs[0]!, 'hooks.resume-stub.jsonl');
      writeCaptured(ctx, 'hook-payloads.jsonl');
    },
    verify(files, ctx) {
      const failed: string[] = [];
      const caps = (files['hook-payloads.jsonl'] ?? '')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Captured);
      const order = caps.map((c) => `${c.run}:${c.event}`).join(' ');
      const want = [1, 2, 3]
        .map((r) => ['SessionStart', 'BeforeAgent', 'AfterAgent', 'SessionEnd'].map((e) => `${r}:${e}`).join(' '))
        .join(' ');
      if (order !== want) failed.push(`events in order (got ${order})`);
      const sid = caps[0]?.payload['session_id'];
      if (!caps.every((c) => c.payload['session_id'] === sid)) failed.push('one session_id in all payloads');
      const main = ctx.sessionPaths['hooks.jsonl'];
      const stub = ctx.sessionPaths['hooks.resume-stub.jsonl'];
      for (const c of caps) {
        const want3 = c.run === 3 && c.event === 'SessionStart' ? stub : main;
        if (c.payload['transcript_path'] !== want3)
          failed.push(
            `run ${c.run} ${c.event}: transcript_path ${String(c.payload['transcript_path'])}, expected ${want3}`,
          );
      }
      const sources = caps
        .filter((c) => c.event === 'SessionStart')
        .map((c) => c.payload['source'])
        .join(',');
      if (sources !== 'startup,resume,resume') failed.push(`SessionStart sources (got ${sources})`);
      if (!caps.filter((c) => c.event === 'SessionEnd').every((c) => c.payload['reason'] === 'exit'))
        failed.push('SessionEnd reason exit');
      const after = caps.filter((c) => c.event === 'AfterAgent').map((c) => c.payload['prompt_response']);
      if (JSON.stringify(after) !== JSON.stringify(HOOKS_SCRIPT.map((t) => (t.at(-1)![0] as { text: string }).text)))
        failed.push(`AfterAgent prompt_response = the final texts (got ${JSON.stringify(after)})`);
      const recs = records(files, 'hooks.jsonl');
      const metas = recs.filter((r) => typeof r['sessionId'] === 'string' && typeof r['projectHash'] === 'string');
      if (metas.length !== 2)
        failed.push(
          `two metadata lines in hooks.jsonl (run 1, and run 2 whose stub shares the name) (got ${metas.length})`,
        );
      const run2 = ctx.runs[1]!.startedAt;
      const set2 = recs
        .filter((r) => Array.isArray((r['$set'] as Record<string, unknown> | undefined)?.['messages']))
        .map((r) => (r['$set'] as { messages: SessionRecord[] }).messages);
      const rebuilt = set2.find((m) => m.some((x) => JSON.stringify(x['content']).includes(HOOKS_PROMPTS[0]!)));
      if (!rebuilt) failed.push('a $set messages holding run 1');
      else {
        if (rebuilt.some((m) => m['toolCalls'] !== undefined)) failed.push('run 1 messages rebuilt without toolCalls');
        if (!rebuilt.every((m) => String(m['timestamp']) >= run2))
          failed.push('run 1 messages rebuilt with timestamps of the resume');
      }
      return failed;
    },
  },
  {
    name: 'failed',
    fixtures: ['failed.jsonl'],
    script: FAILED_SCRIPT,
    prompts: [FAILED_PROMPT],
    prepare: { 'app.txt': 'hello there\n', 'check.sh': 'echo "check: 1 problem" >&2\nexit 3\n' },
    steps: [
      'replace `app.txt` `hello world` → `hello, world` (the file says `hello there`) → error, nothing written',
      'run_shell_command `cat app.txt`',
      'replace `app.txt` `hello there` → `hello, there` → applied',
      'write_file `package.json` → refused: build files are denied by policy in headless mode (even in YOLO mode)',
      'run_shell_command `sh check.sh` → exits 3',
      'function call to `no_such_tool` → error',
      'final text',
    ],
    notes: [
      'A failed call: `status: "error"`, `result[0].functionResponse.response.error` = the message sent to the model, `resultDisplay` = a short message. Not found: `Could not find an exact match for \'old_string\' in \'app.txt\'. …`; refused by policy: `Tool execution denied by policy. Modifying build configuration files requires explicit user confirmation`; unknown tool: `Tool "no_such_tool" not found. …` (checked).',
      'A shell command that exits non-zero is NOT a failed call: `status: "success"`, the output (`response.output`) is wrapped in `<untrusted_context>` and ends with `Exit Code: 3` and `Process Group PGID: <n>`; a command that exits 0 has no `Exit Code:` line (checked).',
    ],
    async body(ctx) {
      await ctx.run(FAILED_PROMPT);
      ctx.snapshot(mainSession(ctx), 'failed.jsonl');
    },
    verify(files, ctx) {
      const failed: string[] = [];
      const calls = toolCalls(records(files, 'failed.jsonl'));
      const got = calls.map((c) => `${c.name}:${c.status}`).join(',');
      const want =
        'replace:error,run_shell_command:success,replace:success,write_file:error,run_shell_command:success,no_such_tool:error';
      if (got !== want) failed.push(`calls and statuses (got ${got})`);
      if (!(responseOf(calls[0]).error ?? '').startsWith("Could not find an exact match for 'old_string' in 'app.txt'"))
        failed.push(`not-found error (got ${JSON.stringify(responseOf(calls[0]))})`);
      if (
        responseOf(calls[3]).error !==
        'Tool execution denied by policy. Modifying build configuration files requires explicit user confirmation'
      )
        failed.push(`policy denial (got ${JSON.stringify(responseOf(calls[3]))})`);
      if (!/Exit Code: 3\n/.test(responseOf(calls[4]).output ?? ''))
        failed.push(`Exit Code: 3 (got ${JSON.stringify(responseOf(calls[4]))})`);
      if (!(responseOf(calls[5]).error ?? '').startsWith('Tool "no_such_tool" not found.'))
        failed.push(`unknown tool (got ${JSON.stringify(responseOf(calls[5]))})`);
      if (existsSync(join(ctx.ws, 'package.json'))) failed.push('package.json was not written');
      if (readFileSync(join(ctx.ws, 'app.txt'), 'utf8') !== 'hello, there\n')
        failed.push('app.txt ends as "hello, there"');
      return failed;
    },
  },
  {
    name: 'interrupted',
    fixtures: ['interrupted.jsonl', 'interrupted.hook-payloads.jsonl'],
    script: INTERRUPTED_SCRIPT,
    prompts: [INTERRUPTED_PROMPT],
    prepare: { 'slow.sh': 'sleep 30\necho slow job finished\n' },
    unrequested: 1,
    steps: [
      'run_shell_command `sh slow.sh` (`sleep 30`); SIGTERM to the `gemini` process once `sleep 30` runs; the same capture hooks as `hooks` → `interrupted.hook-payloads.jsonl`',
    ],
    notes: [
      'On SIGTERM (likewise SIGINT, SIGHUP) the CLI runs its exit cleanup (SessionEnd fires, `reason: "exit"`) and exits with code 0 and nothing on stdout; AfterAgent does not fire (checked).',
      'The session file ends with the gemini message of the call WITHOUT `toolCalls` (tool calls are recorded only once they finished) and no function response: the interrupted call is invisible in the file except through that empty gemini message (checked).',
      'The command is NOT stopped: `sh slow.sh` runs in its own process group and outlives the CLI (the script finds it by its working directory, reports and kills it).',
    ],
    settings: captureHook,
    async body(ctx) {
      await ctx.run(INTERRUPTED_PROMPT, {
        signalWhen: () => inWorkspace(ctx.ws).some((p) => p.cmd.startsWith('sleep 30')),
      });
      const r = ctx.runs.at(-1)!;
      console.log(
        `    gemini exited ${r.code ?? r.signal} after SIGTERM; stdout ${JSON.stringify(r.stdout.slice(0, 80))}`,
      );
      ctx.snapshot(mainSession(ctx), 'interrupted.jsonl');
      writeCaptured(ctx, 'interrupted.hook-payloads.jsonl');
      const left = inWorkspace(ctx.ws);
      console.log(
        `    left running in the workspace after the CLI exited: ${left.map((p) => `${p.pid} ${oneLine(p.cmd)}`).join('; ') || 'nothing'}`,
      );
      ctx.leftRunning = left.map((p) => p.cmd);
    },
    verify(files, ctx) {
      const failed: string[] = [];
      const r = ctx.runs[0]!;
      if (r.code !== 0) failed.push(`exit code 0 after SIGTERM (got ${r.code ?? r.signal})`);
      const recs = records(files, 'interrupted.jsonl');
      const gem = recs.filter((x) => x['type'] === 'gemini');
      if (!(gem.length === 1 && gem[0]!['toolCalls'] === undefined))
        failed.push('one gemini record, without toolCalls');
      if (recs.some((x) => JSON.stringify(x).includes('functionResponse'))) failed.push('no function response');
      const events = (files['interrupted.hook-payloads.jsonl'] ?? '')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => (JSON.parse(l) as Captured).event)
        .join(',');
      if (events !== 'SessionStart,BeforeAgent,SessionEnd') failed.push(`hook events (got ${events})`);
      if (!ctx.leftRunning.some((c) => c.startsWith('sleep 30')))
        failed.push('sleep 30 still ran after the CLI exited');
      if (r.strays.length > 0) failed.push(`nothing left in the CLI's own process group (got ${r.strays.length})`);
      return failed;
    },
  },
  {
    name: 'legacy-0.38',
    version: LEGACY_VERSION,
    fixtures: ['legacy-0.38.turn1.json', 'legacy-0.38.json', 'legacy-0.38.hook-payloads.jsonl'],
    script: BUILD_SCRIPT,
    prompts: [BUILD_PROMPT_1, BUILD_PROMPT_2],
    steps: [
      `the \`build\` scenario (same prompts, same scripted steps, turn 2 resumed in a later minute) with Gemini CLI ${LEGACY_VERSION}, the last release that writes \`.json\` session files (0.39.0 writes \`.jsonl\`); \`legacy-0.38.turn1.json\` is copied after turn 1`,
      'the capture hooks of `hooks` → `legacy-0.38.hook-payloads.jsonl`',
    ],
    notes: [
      'One pretty-printed JSON object (`JSON.stringify(conversation, null, 2)`, no trailing newline) (checked): `{sessionId, projectHash, startTime, lastUpdated, messages[], kind: "main"}`, rewritten whole in place (writeFileSync, no temp file) after every change; not written at all while `messages` is empty. No `<session_context>` message and no function-response `user` messages: a tool-calling gemini message carries the calls and their results in `toolCalls` (ids without the `<name>__` prefix) (checked), mutated in place when the calls finish.',
      "The resumed turn rewrites the same file (no second file). Every message of `legacy-0.38.turn1.json` is unchanged, in order, at the start of `legacy-0.38.json`'s messages; `sessionId`, `projectHash` and `startTime` are unchanged, `lastUpdated` moves (checked).",
      "Hooks: the same four events fire in each run, in the same order, with the same payload fields as 0.61.0. `transcript_path` is the `.json` file in every payload except SessionStart of the resumed run (a later minute than the file's name), which names `session-<that minute>-<id8>.json`: the fresh recording's file, never written because it holds no message, so it does not exist (checked).",
    ],
    settings: captureHook,
    async body(ctx) {
      await ctx.run(BUILD_PROMPT_1);
      ctx.snapshot(mainSession(ctx), 'legacy-0.38.turn1.json');
      await pastFileMinute(mainSession(ctx));
      await ctx.run(BUILD_PROMPT_2, { resume: true });
      const files = listGeminiSessions(ctx.home);
      if (files.length !== 1)
        throw new Error(`legacy-0.38: expected one session file, got ${files.map((f) => f.path).join(', ')}`);
      ctx.snapshot(files[0]!.path, 'legacy-0.38.json');
      writeCaptured(ctx, 'legacy-0.38.hook-payloads.jsonl');
    },
    verify(files, ctx) {
      const failed: string[] = [];
      const raw1 = files['legacy-0.38.turn1.json'] ?? '';
      const raw2 = files['legacy-0.38.json'] ?? '';
      if (!raw2.startsWith('{\n  "sessionId": ')) failed.push('pretty-printed JSON');
      const t1 = JSON.parse(raw1) as {
        sessionId: string;
        projectHash: string;
        startTime: string;
        lastUpdated: string;
        messages: SessionRecord[];
      };
      const t2 = JSON.parse(raw2) as typeof t1;
      for (const k of ['sessionId', 'projectHash', 'startTime'] as const)
        if (t1[k] !== t2[k]) failed.push(`${k} unchanged`);
      if (!(t2.lastUpdated > t1.lastUpdated)) failed.push('lastUpdated moves');
      const prefixOk = t1.messages.every((m, i) => JSON.stringify(m) === JSON.stringify(t2.messages[i]));
      if (!prefixOk || t2.messages.length <= t1.messages.length)
        failed.push('turn 1 messages are an unchanged prefix of the final messages');
      if (
        t2.messages.some(
          (m) =>
            JSON.stringify(m['content']).includes('<session_context>') ||
            JSON.stringify(m['content']).includes('functionResponse'),
        )
      )
        failed.push('no session_context and no function-response messages');
      const calls = t2.messages.flatMap((m) => (m['toolCalls'] as ToolCallRecord[] | undefined) ?? []);
      const names = calls.map((c) => `${c.name}:${c.status}`).join(',');
      if (
        names !==
        'write_file:success,write_file:success,run_shell_command:success,replace:success,run_shell_command:success,run_shell_command:success'
      )
        failed.push(`tool calls (got ${names})`);
      if (calls.some((c) => c.id.startsWith(`${c.name}__`))) failed.push('call ids without the <name>__ prefix');
      const caps = (files['legacy-0.38.hook-payloads.jsonl'] ?? '')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Captured);
      const order = caps.map((c) => `${c.run}:${c.event}`).join(' ');
      if (
        order !==
        '1:SessionStart 1:BeforeAgent 1:AfterAgent 1:SessionEnd 2:SessionStart 2:BeforeAgent 2:AfterAgent 2:SessionEnd'
      )
        failed.push(`hook events (got ${order})`);
      const real = ctx.sessionPaths['legacy-0.38.json']!;
      for (const c of caps) {
        const tp = String(c.payload['transcript_path']);
        if (c.run === 2 && c.event === 'SessionStart') {
          const want = join(
            dirname(real),
            `session-${String(c.payload['timestamp']).slice(0, 16).replace(':', '-')}-${String(c.payload['session_id']).slice(0, 8)}.json`,
          );
          if (!(tp === want && tp !== real && !existsSync(tp)))
            failed.push(`run 2 SessionStart transcript_path is the unwritten ${want} (got ${tp})`);
        } else if (tp !== real) failed.push(`run ${c.run} ${c.event}: transcript_path ${tp}, expected ${real}`);
      }
      return failed;
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

interface Proc {
  pid: number;
  cmd: string;
}

/** Running processes whose working directory is `dir` or below it (what a client run left behind there). */
function inWorkspace(dir: string): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      out.push({
        pid: Number(name),
        cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' '),
      });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return out;
}

function oneLine(cmd: string, max = 60): string {
  const flat = cmd.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function killAll(procs: Proc[]): void {
  for (const p of procs) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
}

/** The `gemini` executable of `version` (the pinned one through ensureClient; others into the same cache). */
async function ensureGemini(version: string | undefined): Promise<{ bin: string; version: string }> {
  if (version === undefined || version === CLIENTS.gemini.version) return ensureClient('gemini', (l) => console.log(l));
  const dir = join(e2eCache(), `gemini-${version}`);
  const bin = join(dir, 'node_modules', '.bin', 'gemini');
  const installed = () =>
    existsSync(bin) &&
    execFileSync(bin, ['--version'], {
      encoding: 'utf8',
      env: { ...process.env, GEMINI_CLI_NO_RELAUNCH: 'true' },
    }).trim() === version;
  if (!installed()) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'shiplog-e2e-gemini', private: true }, null, 2)}\n`,
    );
    console.log(`installing ${CLIENTS.gemini.pkg}@${version} into ${dir} (once; reused afterwards)`);
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', `${CLIENTS.gemini.pkg}@${version}`],
      { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (!installed()) throw new Error(`${bin} does not report ${version}`);
  }
  return { bin, version };
}

function initWorkspace(ws: string, files: Record<string, string> = {}): void {
  mkdirSync(ws, { recursive: true });
  sh('git', ['init', '-q', '-b', 'main'], ws);
  sh('git', ['config', 'user.email', 'fixtures@shiplog.invalid'], ws);
  sh('git', ['config', 'user.name', 'Shiplog Fixtures'], ws);
  sh('git', ['config', 'commit.gpgsign', 'false'], ws);
  writeFileSync(join(ws, 'README.md'), '# fixture workspace\n');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, name)), { recursive: true });
    writeFileSync(join(ws, name), content);
  }
  sh('git', ['add', '-A'], ws);
  sh('git', ['commit', '-qm', 'Initial commit'], ws);
}

function summarize(requests: GeminiMockRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const a = r.answered;
    const k =
      a === null
        ? `${r.method} ${r.path} (unanswered)`
        : typeof a === 'string'
          ? a
          : 'side' in a
            ? `side:${a.side}`
            : `${r.action}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, v]) => `${k} ×${v}`).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

interface ManifestEntry extends DiskTruth {
  version: string;
  fixtures: string[];
  /** The git workspace = the client's cwd and project root. */
  workspace: string;
  /** The throwaway HOME (`~/.gemini` inside). */
  home: string;
  sessionId: string;
  /** Where each session fixture was copied from. */
  sessionFiles: Record<string, string>;
  /** The argv of each client run (prompt included). */
  runs: string[][];
  /** What the mock answered (scripted steps and side calls). */
  requests: string;
}

type ManifestScenario = ManifestEntry;

async function runScenario(s: Scenario, tmpRoot: string): Promise<ManifestEntry> {
  const { bin, version } = await ensureGemini(s.version);
  const root = join(tmpRoot, s.name);
  const home = join(root, 'home');
  const ws = join(root, 'ws');
  const tmp = join(root, 'tmp');
  for (const d of [join(root, 'out'), home, tmp]) mkdirSync(d, { recursive: true });
  initWorkspace(ws, s.prepare);
  const mock = await startGeminiMock(s.script, { summary: 'Scripted fixture session' });
  const ctx: Ctx = {
    bin,
    home,
    ws,
    root,
    mock,
    runs: [],
    sessionPaths: {},
    leftRunning: [],
    async run(prompt, opts = {}) {
      const label = `${s.name} run ${ctx.runs.length + 1}`;
      console.log(
        `  [${label}] gemini ${geminiArgv({ prompt, resume: opts.resume })
          .map((a) => (a.includes(' ') ? JSON.stringify(a) : a))
          .join(' ')}`,
      );
      const startedAt = new Date().toISOString();
      const r = await runGeminiTurn({
        bin,
        home,
        cwd: ws,
        mockUrl: mock.url,
        prompt,
        resume: opts.resume,
        settings: { ...(s.settings ? s.settings(ctx) : {}), ...(opts.settings ?? {}) },
        // The CLI's own temp files (shell scripts under $TMPDIR/gemini-shell-*) stay in the scenario folder.
        env: { TZ: 'UTC', SHIPLOG_INTERNAL: '1', TMPDIR: tmp },
        timeoutMs: RUN_TIMEOUT_MS,
        signalWhen: opts.signalWhen,
      });
      const run: Run = { ...r, label, startedAt };
      ctx.runs.push(run);
      writeFileSync(
        join(root, `run-${ctx.runs.length}.log`),
        `argv: ${JSON.stringify(r.argv)}\nexit: ${r.code ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n`,
      );
      if (r.timedOut) throw new Error(`${label}: timed out after ${RUN_TIMEOUT_MS} ms`);
      if (r.code !== 0) throw new Error(`${label}: exit ${r.code ?? r.signal}: ${r.stderr.slice(-1500)}`);
      if (r.strays.length > 0) console.log(`    (killed ${r.strays.length} process(es) left in the client's group)`);
      return run;
    },
    snapshot(src, name) {
      copyFileSync(src, join(root, 'out', name));
      ctx.sessionPaths[name] = src;
    },
  };
  try {
    const start = startState(ws, true);
    await s.body(ctx);
    const truth = diskTruth(start, ws);

    const unanswered = mock.requests.filter((r) => r.answered === null);
    if (unanswered.length > 0)
      throw new Error(
        `${s.name}: ${unanswered.length} request(s) had no scripted answer: ${unanswered.map((r) => `${r.method} ${r.path}`).join(', ')}`,
      );
    const answered = answeredSteps(mock.requests).size;
    const expected = scriptSize(s.script) - (s.unrequested ?? 0);
    if (answered !== expected)
      throw new Error(
        `${s.name}: ${answered} of ${expected} scripted steps were requested (${summarize(mock.requests)})`,
      );

    const files: Record<string, string> = {};
    for (const f of s.fixtures) {
      const p = join(root, 'out', f);
      if (!existsSync(p)) throw new Error(`${s.name}: ${f} was not produced`);
      files[f] = readFileSync(p, 'utf8');
    }
    const failed = s.verify(files, ctx);
    if (failed.length > 0)
      throw new Error(`${s.name}: the client did not produce what the scenario claims:\n  - ${failed.join('\n  - ')}`);

    mkdirSync(outDir, { recursive: true });
    for (const f of s.fixtures) copyFileSync(join(root, 'out', f), join(outDir, f));
    const firstSession = Object.values(ctx.sessionPaths)[0];
    const sessionId = firstSession ? String(readSessionRecords(firstSession)[0]?.['sessionId'] ?? '') : '';
    return {
      version,
      fixtures: s.fixtures,
      workspace: ws,
      home,
      sessionId,
      sessionFiles: ctx.sessionPaths,
      runs: ctx.runs.map((r) => r.argv),
      requests: summarize(mock.requests),
      ...truth,
    };
  } finally {
    killAll(inWorkspace(ws));
    await mock.close();
    // Kept only with SHIPLOG_KEEP_TMP=1 (debugging): what the client sent to the mock.
    writeFileSync(join(root, 'requests.json'), JSON.stringify(mock.requests, null, 1));
  }
}

function lineCount(p: string): number {
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0).length;
}

function writeReadme(manifest: Manifest<ManifestScenario>, version: string): void {
  const rows = scenarios.flatMap((s) =>
    s.fixtures.map((f) => {
      const p = join(outDir, f);
      return `| \`${f}\` | ${manifest.scenarios[s.name]?.version ?? '–'} | ${existsSync(p) ? `${lineCount(p)} lines, ${statSync(p).size} bytes` : '(not generated)'} |`;
    }),
  );
  const sections = scenarios.map((s) => {
    const m = manifest.scenarios[s.name];
    return [
      `### ${s.name}`,
      '',
      `Fixtures: ${s.fixtures.map((f) => `\`${f}\``).join(', ')}`,
      '',
      'Prompts (one headless run each; runs after the first resume with `--resume latest`):',
      '',
      ...s.prompts.map((p, i) => `${i + 1}. \`${p}\``),
      '',
      'Scripted model steps (each is one mock response):',
      '',
      ...s.steps.map((st, i) => `${i + 1}. ${st}`),
      '',
      'Observed (claims marked "checked" are verified by the script before it writes anything; the rest is read in the client\'s source, see docs/gemini-cli.md):',
      '',
      ...s.notes.map((n) => `- ${n}`),
      ...(m ? [`- ${diskLine(m.disk)}`, `- ${commitsLine(m.commits)}`, `- Requests to the mock: ${m.requests}.`] : []),
      '',
    ].join('\n');
  });
  const settings = JSON.stringify(defaultGeminiSettings(), null, 2);
  const text = `# Gemini CLI session fixtures

Real session files written by the real Gemini CLI (\`@google/gemini-cli\`) — **not** hand-written and not
copied from anywhere. They were produced by \`scripts/make-gemini-fixtures.ts\`
(\`node --import tsx scripts/make-gemini-fixtures.ts [scenario …]\`), which runs the version pinned in
\`test/e2e/clients.ts\` (${version} when this README was written; \`SHIPLOG_E2E_GEMINI_VERSION\` picks another;
\`legacy-0.38\` runs ${LEGACY_VERSION}, the last release that writes \`.json\` session files instead of \`.jsonl\`),
installed once into \`~/.cache/shiplog-e2e/gemini-<version>\` (outside the repository), headless
(\`gemini -p <prompt> --approval-mode yolo --output-format json --model gemini-2.5-flash [--resume latest]\`)
and fully offline against the scripted loopback Gemini API mock in \`test/e2e/gemini-mock.ts\`, through
\`test/e2e/gemini-driver.ts\`. What every setting and variable is for, with the source lines behind each
fact: \`docs/gemini-cli.md\`.

Each scenario uses a throwaway \`HOME\` and git workspace named \`ws\` (one initial commit, a local git user)
under a \`mkdtemp\` folder; the environment has \`GEMINI_API_KEY=<dummy>\`,
\`GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:<port>\`, \`GEMINI_CLI_TRUST_WORKSPACE=true\`,
\`GEMINI_CLI_NO_RELAUNCH=true\`, \`TZ=UTC\`, \`SHIPLOG_INTERNAL=1\` and no other \`GEMINI_*\`/\`GOOGLE_*\` variable;
\`~/.gemini/settings.json\` is (plus \`hooks\` where a scenario says so):

\`\`\`json
${settings}
\`\`\`

The session files are copied from \`~/.gemini/tmp/ws/chats/session-<YYYY-MM-DDTHH-MM>-<first 8 chars of the
session id>.jsonl\` (\`.json\` for ${LEGACY_VERSION}) (\`ws\` is the project's short id from \`~/.gemini/projects.json\`, the workspace folder's
name). They hold the CLI's \`<session_context>\` message, absolute temp paths
(\`/tmp/shiplog-gemini-fixtures-*/…\`) and the real timestamps and ids of the run; the commands really ran in
the workspace (the script checks the resulting files). Regenerating changes ids, timestamps and paths.

\`fixtures.json\` lists, for each scenario, the client version, its fixture files, the workspace (the git
repository root and the CLI's cwd / project root), the throwaway home, the session id, where each session
fixture was copied from (\`sessionFiles\`), the argv of each run and what the mock answered, and what
happened in the workspace on disk (\`scripts/fixture-disk.ts\`: \`disk\` = created / modified / deleted paths
between a snapshot right before the first run and one right after the last, \`tracked\` and \`before\` = the
start, \`commits\` = the commits made in between).

| file | Gemini CLI | size |
|---|---|---|
${rows.join('\n')}

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
  const { bin, version } = await ensureGemini(undefined);
  console.log(`${CLIENTS.gemini.pkg}@${version}: ${bin}`);
  const tmpRoot = mkdtempSync(join(tmpdir(), 'shiplog-gemini-fixtures-'));
  const keep = process.env['SHIPLOG_KEEP_TMP'] === '1';
  const cleanup = (): void => {
    killAll(inWorkspace(tmpRoot));
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
        const entry = await runScenario(s, tmpRoot);
        manifest.scenarios[s.name] = entry;
        for (const f of entry.fixtures)
          console.log(`  wrote ${relative(repoRoot, join(outDir, f))} (${lineCount(join(outDir, f))} lines)`);
        console.log(`  ${diskLine(entry.disk)}`);
        console.log(`  ${commitsLine(entry.commits)}`);
        console.log(`  requests: ${entry.requests}`);
      } catch (err) {
        failures.push(s.name);
        console.error(`  [${s.name}] FAILED: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    mkdirSync(outDir, { recursive: true });
    writeManifest(manifestPath, manifest, scenarios);
    writeReadme(manifest, version);
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
