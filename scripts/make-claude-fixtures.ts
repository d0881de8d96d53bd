// Produces REAL Claude Code transcript fixtures by running the pinned Claude Code client (the one the
// end-to-end suite uses, test/e2e/clients.ts) offline against the loopback Messages-API mock in
// test/e2e/mock-messages.ts, with the drivers of test/e2e/claude-driver.ts.
//
//   node --import tsx scripts/make-claude-fixtures.ts [scenario ...]
//
// The client is installed once into the e2e cache outside the repository (~/.cache/shiplog-e2e,
// $SHIPLOG_E2E_CACHE) and reused. Every scenario gets a throwaway HOME (the client's config and
// transcripts in <home>/.claude) and a git workspace with a first commit, under one mkdtemp folder,
// TZ=UTC. shiplog is NOT installed there (no hooks): only the client's own transcripts are wanted.
// The transcripts are copied byte for byte from <home>/.claude/projects/<project>/ to
// test/fixtures/claude-code/<scenario>/ (main `<session>.jsonl`, subagents under
// `<session>/subagents/`), checked against what the scenario claims (the script exits non-zero when
// the client did not produce it), and test/fixtures/claude-code/fixtures.json and README.md are
// regenerated. Temp folders and the mock server are removed/closed on exit, also on failure
// (SHIPLOG_KEEP_TMP=1 keeps the temp folder, with the client's stdout/stderr, for debugging).
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
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  claudeEnv,
  DEFAULT_TOOLS,
  listTranscripts,
  MOCK_API_KEY,
  MODEL,
  runClaudeInteractive,
  runClaudePrint,
  type InteractiveStep,
} from '../test/e2e/claude-driver.js';
import { CLIENTS, ensureClient } from '../test/e2e/clients.js';
import {
  startMockMessages,
  text,
  thinking,
  toolUse,
  type ClaudeScript,
  type MockMessagesServer,
} from '../test/e2e/mock-messages.js';
import { descendantRuns } from '../test/process-groups.js';
import { commitsLine, diskLine, diskTruth, startState, type DiskTruth } from './fixture-disk.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(repoRoot, 'test', 'fixtures', 'claude-code');
const manifestPath = join(outDir, 'fixtures.json');
const RUN_TIMEOUT_MS = 180_000;
/** The whole fixture set must stay small enough to live in the repository. */
const MAX_TOTAL_BYTES = 2_600_000;

// ---------------------------------------------------------------------------------------------
// Scripted conversations
// ---------------------------------------------------------------------------------------------

// build
const B_PROMPT_1 = 'Add app.txt, make the test pass, remove old.txt and commit';
const B_PROMPT_2 = 'Read app.txt and ask a subagent to count the files';
const B_SUB_PROMPT = 'Count the files in the project folder with ls and report the number';
const NOTIFICATION_REPLY = 'The subagent reports 3 files: README.md, app.txt and test.sh.';
const B_PROMPT_3 = '/compact';
const B_PROMPT_4 = 'Mark app.txt as version 2 and commit';
const B_COMMIT_1 = 'Add app.txt and drop old.txt';
const B_COMMIT_2 = 'Mark app.txt as version 2';
const B_SUMMARY =
  'The user had app.txt added (the test failed once, then passed), old.txt removed and the work committed; a subagent counted 3 files.';

// failures
const F_PROMPT = 'Try the risky steps and tell me honestly what failed';
const F_OUTSIDE = 'outside.txt';
const F_FINAL =
  'Nothing succeeded: `ls missing-dir` failed (no such directory), the Edit of README.md failed because the text to replace is not in it, missing.txt does not exist, writing outside.txt in your home folder was refused (no permission outside the workspace), and WebFetch was refused because it is not an allowed tool. No file was changed.';
const SLOW = 'run the slow job';
const SLOW_AGAIN = 'run the slow job once more';
/** No Write/Edit: acceptEdits still allows edits inside the workspace, but not outside it. */
const F_ALLOWED = ['Bash', 'Read', 'Agent'];

// interactive
const HI = 'say hi';
const HI_REPLY = 'Hi there, friend!';
const NOTES = 'write notes.txt';
const INTERRUPTED = '[Request interrupted by user for tool use]';
const NOTES_REPLY = 'Wrote notes.txt.';
const BYE = 'say bye';
const BYE_REPLY = 'Bye for now!';

// long
const L_PROMPT_1 = 'Create the calculator scripts with a test and commit them';
const L_PROMPT_2 = 'Add subtraction and division with tests, then commit';
const L_PROMPT_3 = 'Add a calc.sh entry point, document it and commit';
const L_COMMITS = [
  'Add calculator with add and mul',
  'Add sub and div with a division-by-zero guard',
  'Add calc.sh entry point and usage docs',
];

const TEST_SH = 'grep -qx ok app.txt || { echo "FAIL: app.txt is not ok"; exit 1; }\necho PASS\n';
const SLOW_SH = 'sleep 30\necho slow job finished\n';

const RUN_SH = `#!/bin/sh
# Runs the calculator checks; exits 1 when one fails.
cd "$(dirname "$0")/.." || exit 1
for f in lib/*.sh; do . "./$f"; done
fail=0
check() { got=$(eval "$1"); if [ "$got" = "$2" ]; then echo "ok   $1 = $2"; else echo "FAIL $1: expected $2, got $got"; fail=1; fi; }
check "add 2 3" 5
check "mul 2 3" 6
if [ $fail -eq 0 ]; then echo PASS; else exit 1; fi
`;
const CALC_SH = `#!/bin/sh
# Usage: sh calc.sh <add|sub|mul|div> A B
cd "$(dirname "$0")" || exit 1
for f in lib/*.sh; do . "./$f"; done
op=$1; shift
case $op in
  add|sub|mul|div) "$op" "$@" ;;
  *) echo "usage: sh calc.sh <add|sub|mul|div> A B" >&2; exit 2 ;;
esac
`;

const bash = (command: string, description: string) => toolUse('Bash', { command, description });

function buildScript(ws: string): ClaudeScript {
  const app = join(ws, 'app.txt');
  return {
    [B_PROMPT_1]: [
      [text('I will add app.txt first.'), toolUse('Write', { file_path: app, content: 'broken\n' })],
      [bash('sh test.sh', 'Run the tests')],
      [
        text('The test fails; fixing app.txt.'),
        toolUse('Edit', { file_path: app, old_string: 'broken', new_string: 'ok' }),
      ],
      [bash('sh test.sh', 'Run the tests again')],
      [bash('rm old.txt', 'Remove old.txt')],
      [bash(`git add -A && git commit -q -m "${B_COMMIT_1}"`, 'Commit')],
      [text('Done: app.txt added, the test passes, old.txt removed, committed.')],
    ],
    [B_PROMPT_2]: [
      [toolUse('Read', { file_path: app })],
      [
        text('app.txt says ok. Asking a subagent to count the files.'),
        toolUse('Agent', { description: 'Count files', prompt: B_SUB_PROMPT, subagent_type: 'general-purpose' }),
      ],
      [text('A subagent is counting the files.')],
    ],
    [B_SUB_PROMPT]: [[bash('ls | wc -l', 'Count files')], [text('There are 3 files.')]],
    '<task-notification>': [[text(NOTIFICATION_REPLY)]],
    [B_PROMPT_4]: [
      [
        thinking('app.txt must keep its "ok" line for the test; add a second line.'),
        toolUse('Read', { file_path: app }),
      ],
      [toolUse('Edit', { file_path: app, old_string: 'ok', new_string: 'ok\nv2' })],
      [bash('sh test.sh', 'Run the tests')],
      [bash(`git commit -q -am "${B_COMMIT_2}"`, 'Commit')],
      [text('app.txt now says version 2; the test still passes and the change is committed.')],
    ],
  };
}

function failuresScript(ws: string, home: string): ClaudeScript {
  return {
    [F_PROMPT]: [
      [text('Listing missing-dir first.'), bash('ls missing-dir', 'List missing-dir')],
      [toolUse('Read', { file_path: join(ws, 'README.md') })],
      [
        toolUse('Edit', {
          file_path: join(ws, 'README.md'),
          old_string: 'this text is not in the file',
          new_string: 'replacement',
        }),
      ],
      [toolUse('Read', { file_path: join(ws, 'missing.txt') })],
      [toolUse('Write', { file_path: join(home, F_OUTSIDE), content: 'written outside the workspace\n' })],
      [toolUse('WebFetch', { url: 'http://127.0.0.1:9/', prompt: 'Summarize the page' })],
      [text(F_FINAL)],
    ],
    // No final step: the runs are stopped while the tool runs, so nothing else may be requested.
    [SLOW]: [[bash('sh slow.sh', 'Slow job')]],
    [SLOW_AGAIN]: [[bash('sh slow.sh', 'Slow job')]],
  };
}

function interactiveScript(ws: string): ClaudeScript {
  return {
    [HI]: [[text(HI_REPLY)]],
    // No final step: Escape interrupts the tool, so nothing else may be requested for this prompt.
    [SLOW]: [[text('Starting the slow job.'), bash('sh slow.sh', 'Slow job')]],
    // The client sends the next prompt in the same user message as the interrupt marker, which comes
    // first; the mock takes a message's first text for the prompt, so this turn is keyed by the marker.
    [INTERRUPTED]: [[toolUse('Write', { file_path: join(ws, 'notes.txt'), content: 'notes\n' })], [text(NOTES_REPLY)]],
    [BYE]: [[text(BYE_REPLY)]],
  };
}

function longScript(ws: string): ClaudeScript {
  const p = (f: string) => join(ws, f);
  return {
    [L_PROMPT_1]: [
      [
        thinking('Start with the library functions, then a test runner.'),
        text('Writing the library first.'),
        toolUse('Write', { file_path: p('lib/add.sh'), content: 'add() { echo $(( $1 - $2 )); }\n' }),
      ],
      [toolUse('Write', { file_path: p('lib/mul.sh'), content: 'mul() { echo $(( $1 * $2 )); }\n' })],
      [text('Now the checks.'), toolUse('Write', { file_path: p('test/run.sh'), content: RUN_SH })],
      [bash('sh test/run.sh', 'Run the checks')],
      [text('add is wrong; looking at it.'), toolUse('Read', { file_path: p('lib/add.sh') })],
      [toolUse('Edit', { file_path: p('lib/add.sh'), old_string: '$1 - $2', new_string: '$1 + $2' })],
      [bash('sh test/run.sh', 'Run the checks again')],
      [
        toolUse('Write', {
          file_path: p('NOTES.md'),
          content: '# Calculator\n\nShell functions in lib/, checks in test/run.sh.\n',
        }),
      ],
      [bash('git status --short', 'Show changes')],
      [bash(`git add -A && git commit -q -m "${L_COMMITS[0]}"`, 'Commit')],
      [
        text(
          'Added lib/add.sh, lib/mul.sh and test/run.sh; add subtracted at first, the check caught it, it is fixed and committed.',
        ),
      ],
    ],
    [L_PROMPT_2]: [
      [
        thinking('Two new functions; write both at once.'),
        toolUse('Write', { file_path: p('lib/sub.sh'), content: 'sub() { echo $(( $1 - $2 )); }\n' }),
        toolUse('Write', { file_path: p('lib/div.sh'), content: 'div() { echo $(( $1 / $2 )); }\n' }),
      ],
      [toolUse('Read', { file_path: p('test/run.sh') })],
      [
        text('Adding checks, including division by zero.'),
        toolUse('Edit', {
          file_path: p('test/run.sh'),
          old_string: 'check "mul 2 3" 6',
          new_string: 'check "mul 2 3" 6\ncheck "sub 7 2" 5\ncheck "div 8 2" 4\ncheck "div 7 0" error',
        }),
      ],
      [bash('sh test/run.sh', 'Run the checks')],
      [
        text('Division by zero is not handled.'),
        toolUse('Edit', {
          file_path: p('lib/div.sh'),
          old_string: 'div() { echo $(( $1 / $2 )); }',
          new_string: 'div() { if [ "$2" -eq 0 ]; then echo error; else echo $(( $1 / $2 )); fi; }',
        }),
      ],
      [bash('sh test/run.sh', 'Run the checks again')],
      [toolUse('Read', { file_path: p('NOTES.md') })],
      [
        toolUse('Edit', {
          file_path: p('NOTES.md'),
          old_string: 'checks in test/run.sh.',
          new_string: 'checks in test/run.sh.\n\n- sub and div; `div A 0` prints `error`.',
        }),
      ],
      [bash('git diff --stat', 'Show the diff size')],
      [bash(`git add -A && git commit -q -m "${L_COMMITS[1]}"`, 'Commit')],
      [
        text(
          'Added sub and div with checks; the division-by-zero check failed first, div now prints error for it, and it is committed.',
        ),
      ],
    ],
    [L_PROMPT_3]: [
      [
        thinking('One entry point dispatching to the functions.'),
        toolUse('Write', { file_path: p('calc.sh'), content: CALC_SH }),
      ],
      [bash('sh calc.sh add 2 3', 'Try add')],
      [bash('sh calc.sh pow 2 3', 'Try an unknown operation')],
      [bash('sh calc.sh div 8 2', 'Try div')],
      [toolUse('Read', { file_path: p('NOTES.md') })],
      [
        toolUse('Edit', {
          file_path: p('NOTES.md'),
          old_string: '# Calculator\n',
          new_string: '# Calculator\n\nUsage: `sh calc.sh <add|sub|mul|div> A B`.\n',
        }),
      ],
      [toolUse('Read', { file_path: p('README.md') })],
      [
        toolUse('Edit', {
          file_path: p('README.md'),
          old_string: '# fixture workspace',
          new_string: '# fixture workspace\n\nA shell calculator; see NOTES.md.',
        }),
      ],
      [bash('sh test/run.sh', 'Run the checks')],
      [bash(`git add -A && git commit -q -m "${L_COMMITS[2]}"`, 'Commit')],
      [bash('git log --oneline', 'Show the history')],
      [
        text(
          'calc.sh dispatches to the functions (unknown operations exit 2 with usage); NOTES.md and README.md document it; committed.',
        ),
      ],
    ],
  };
}

// edit-retry
const E_PROMPT = 'Fix the greeting, turn on debug in config.json, drop obsolete.txt and rename ghost.js';
const E_APP = "export function greet(person) {\n  return 'Hello ' + person;\n}\n";
const E_TEST_SH = 'grep -q "Hello, " src/app.js || { echo "FAIL: no comma in the greeting"; exit 1; }\necho PASS\n';
const E_CONFIG = '{ "debug": false }\n';
/** Default permission mode (not acceptEdits, which lets `rm` run in the workspace unasked): only these rules allow. */
const E_ALLOWED = ['Bash(sh test.sh)', 'Bash(git mv:*)', 'Read', 'Edit', 'Write'];
const E_FINAL =
  'The greeting now has a comma and the test passes (the first Edit missed because I guessed the parameter name); config.json has debug on (the first Write was refused until I read the file); removing obsolete.txt needs your approval, so it is still there; ghost.js does not exist, so git mv failed.';

// parallel-subagents
const S_PROMPT = 'Use two helpers at once: one adds src/version.js, the other finds where greet is defined';
const S_WRITER = 'Create src/version.js exporting VERSION = "1.0.0" and report the file you created';
const S_FINDER = 'Find where greet is defined in src and report the file and line';
const S_WRITER_REPLY = 'Created src/version.js exporting VERSION = "1.0.0".';
const S_FINDER_REPLY = 'greet is defined in src/app.js, line 1.';
const S_FINAL =
  'Both helpers finished: src/version.js now exports VERSION = "1.0.0", and greet is defined in src/app.js on line 1.';

// chains
const C_PROMPT =
  'Tidy up: move NOTES.md into docs, try a scratch plan and clean it, make hello.txt, copy a.txt and add c.txt, bump VERSION, write out.log and run cleanup.sh';
const C_FINAL =
  'NOTES.md is now docs/NOTES.md; scratch/plan.txt was written and removed again with its folder; hello.txt says hello; b.txt is a copy of a.txt and c.txt is new and empty; VERSION says 1.1.0; out.log was written and cleanup.sh removed it again.';
/** Tracked at the start; a shell redirect overwrites it (a modification on disk that no Write/Edit shows). */
const C_VERSION = '1.0.0\n';
const C_BUMP = "printf '1.1.0\\n' > VERSION";
/** Tracked at the start; removes a file the transcript only shows being written (the script's body is not in it). */
const C_CLEANUP_SH = 'rm -f out.log\n';

// subfolder
const SUB_DIR = 'services/api';
const SUB_PROMPT = 'Add a config.js for the api service and mention it in the top-level README';
const SUB_FINAL = 'Added services/api/config.js (port 8080) and a line about it in the top-level README.md.';

// no-git
const N_PROMPT = 'Write a todo.txt with two items';
const N_FINAL = 'Wrote todo.txt with two items.';

// chat-end
const CE_PROMPT_1 = 'Create greeting.txt and show it';
const CE_PROMPT_2 = "Thanks, that's all for now.";
const CE_REPLY_1 = 'greeting.txt says hello.';
const CE_REPLY_2 = "You're welcome. Bye!";

function editRetryScript(ws: string): ClaudeScript {
  const app = join(ws, 'src', 'app.js');
  const config = join(ws, 'config.json');
  return {
    [E_PROMPT]: [
      [toolUse('Read', { file_path: app })],
      [
        text('Adding the comma.'),
        toolUse('Edit', {
          file_path: app,
          old_string: "function greet(name) {\n  return 'Hello ' + name;",
          new_string: "function greet(name) {\n  return 'Hello, ' + name;",
        }),
      ],
      [text('The parameter is not called name; reading the file again.'), toolUse('Read', { file_path: app })],
      [toolUse('Edit', { file_path: app, old_string: "'Hello ' + person", new_string: "'Hello, ' + person" })],
      [bash('sh test.sh', 'Run the test')],
      [toolUse('Write', { file_path: config, content: '{ "debug": true }\n' })],
      [text('I have to read config.json first.'), toolUse('Read', { file_path: config })],
      [toolUse('Write', { file_path: config, content: '{ "debug": true }\n' })],
      [bash('rm obsolete.txt', 'Remove obsolete.txt')],
      [bash('git mv ghost.js spirit.js', 'Rename ghost.js')],
      [text(E_FINAL)],
    ],
  };
}

function subagentsScript(ws: string): ClaudeScript {
  const agent = (description: string, prompt: string) =>
    toolUse('Agent', { description, prompt, subagent_type: 'general-purpose', run_in_background: false });
  return {
    [S_PROMPT]: [
      [text('Starting both helpers.'), agent('Add version.js', S_WRITER), agent('Find greet', S_FINDER)],
      [text(S_FINAL)],
    ],
    [S_WRITER]: [
      [toolUse('Write', { file_path: join(ws, 'src', 'version.js'), content: 'export const VERSION = "1.0.0";\n' })],
      [text(S_WRITER_REPLY)],
    ],
    [S_FINDER]: [
      [toolUse('Grep', { pattern: 'function greet', path: join(ws, 'src'), output_mode: 'content', '-n': true })],
      [toolUse('Read', { file_path: join(ws, 'src', 'app.js') })],
      [text(S_FINDER_REPLY)],
    ],
  };
}

function chainsScript(ws: string): ClaudeScript {
  return {
    [C_PROMPT]: [
      [bash('mkdir -p docs && mv NOTES.md docs/NOTES.md', 'Move NOTES.md into docs')],
      [toolUse('Write', { file_path: join(ws, 'scratch', 'plan.txt'), content: '1. tidy\n2. clean up\n' })],
      [bash('rm scratch/plan.txt && rmdir scratch', 'Remove the scratch plan')],
      [bash('echo hi > hello.txt', 'Create hello.txt')],
      [toolUse('Read', { file_path: join(ws, 'hello.txt') })],
      [toolUse('Edit', { file_path: join(ws, 'hello.txt'), old_string: 'hi', new_string: 'hello' })],
      [bash('cp a.txt b.txt; touch c.txt', 'Copy a.txt and add c.txt')],
      [bash(C_BUMP, 'Bump VERSION')],
      [toolUse('Write', { file_path: join(ws, 'out.log'), content: 'build ok\n' })],
      [bash('sh cleanup.sh', 'Run the cleanup script')],
      [text(C_FINAL)],
    ],
  };
}

function subfolderScript(ws: string, root: string): ClaudeScript {
  const readme = join(root, 'README.md');
  return {
    [SUB_PROMPT]: [
      [toolUse('Write', { file_path: join(ws, 'config.js'), content: 'export const config = { port: 8080 };\n' })],
      [toolUse('Read', { file_path: readme })],
      [
        toolUse('Edit', {
          file_path: readme,
          old_string: '# fixture workspace',
          new_string: '# fixture workspace\n\nThe api service reads services/api/config.js.',
        }),
      ],
      [bash('git status --short', 'Show changes')],
      [text(SUB_FINAL)],
    ],
  };
}

function noGitScript(ws: string): ClaudeScript {
  return {
    [N_PROMPT]: [
      [toolUse('Write', { file_path: join(ws, 'todo.txt'), content: '- buy milk\n- water plants\n' })],
      [bash('cat todo.txt', 'Show todo.txt')],
      [text(N_FINAL)],
    ],
  };
}

function chatEndScript(ws: string): ClaudeScript {
  return {
    [CE_PROMPT_1]: [
      [toolUse('Write', { file_path: join(ws, 'greeting.txt'), content: 'hello\n' })],
      [bash('cat greeting.txt', 'Show greeting.txt')],
      [text(CE_REPLY_1)],
    ],
    [CE_PROMPT_2]: [[text(CE_REPLY_2)]],
  };
}

// ---------------------------------------------------------------------------------------------
// Transcripts: reading and checking
// ---------------------------------------------------------------------------------------------

interface Block {
  type?: string;
  text?: string;
  id?: string;
  name?: string;
  input?: Record<string, unknown>;
  tool_use_id?: string;
  is_error?: boolean;
  content?: unknown;
}
interface Rec {
  type?: string;
  subtype?: string;
  isMeta?: boolean;
  isCompactSummary?: boolean;
  isSidechain?: boolean;
  cwd?: string;
  sessionId?: string;
  content?: unknown;
  message?: { role?: string; content?: unknown };
}

interface ToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  /** Index of the transcript line holding the call. */
  line: number;
  result?: { isError: boolean; text: string };
}

class Transcript {
  readonly records: Rec[];
  readonly lineCount: number;
  readonly bytes: number;
  readonly longestLine: number;
  constructor(readonly path: string) {
    const raw = readFileSync(path, 'utf8');
    this.bytes = Buffer.byteLength(raw);
    const lines = raw.split('\n').filter((l) => l.length > 0);
    this.lineCount = lines.length;
    this.longestLine = Math.max(0, ...lines.map((l) => Buffer.byteLength(l)));
    this.records = lines.map((l, i) => {
      try {
        return JSON.parse(l) as Rec;
      } catch {
        throw new Error(`${path}:${i + 1}: not JSON`);
      }
    });
  }

  private blocks(r: Rec): Block[] {
    const c = r.message?.content;
    if (typeof c === 'string') return [{ type: 'text', text: c }];
    return Array.isArray(c) ? (c as Block[]) : [];
  }

  get toolCalls(): ToolCall[] {
    const calls: ToolCall[] = [];
    const byId = new Map<string, ToolCall>();
    this.records.forEach((r, line) => {
      for (const b of this.blocks(r)) {
        if (r.type === 'assistant' && b.type === 'tool_use' && b.id && b.name) {
          const call: ToolCall = { id: b.id, name: b.name, input: b.input ?? {}, line };
          calls.push(call);
          byId.set(b.id, call);
        } else if (r.type === 'user' && b.type === 'tool_result' && b.tool_use_id) {
          const call = byId.get(b.tool_use_id);
          if (call) call.result = { isError: b.is_error === true, text: resultText(b.content) };
        }
      }
    });
    return calls;
  }

  /** Text blocks of user lines (what was typed, injected context, interrupt markers), in order. */
  get userTexts(): string[] {
    return this.records
      .filter((r) => r.type === 'user')
      .flatMap((r) => this.blocks(r).flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : [])));
  }

  get assistantTexts(): string[] {
    return this.records
      .filter((r) => r.type === 'assistant')
      .flatMap((r) => this.blocks(r).flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : [])));
  }

  get cwd(): string | null {
    return this.records.find((r) => typeof r.cwd === 'string')?.cwd ?? null;
  }

  count(pred: (r: Rec) => boolean): number {
    return this.records.filter(pred).length;
  }
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c: Block) => (typeof c.text === 'string' ? c.text : '')).join('\n');
  return '';
}

class Checks {
  readonly failed: string[] = [];
  constructor(readonly scenario: string) {}
  that(ok: boolean, what: string): void {
    if (!ok) this.failed.push(what);
  }
  throwIfFailed(): void {
    if (this.failed.length > 0)
      throw new Error(
        `${this.scenario}: the client did not produce what the scenario claims:\n  - ${this.failed.join('\n  - ')}`,
      );
  }
}

const cmdIs = (cmd: string) => (i: Record<string, unknown>) => i['command'] === cmd;
const cmdHas = (s: string) => (i: Record<string, unknown>) =>
  typeof i['command'] === 'string' && (i['command'] as string).includes(s);
const fileIs = (path: string) => (i: Record<string, unknown>) => i['file_path'] === path;

/** Every call of `name` matching, in order, with its outcome: 'ok' | 'error' | 'none'. */
function outcomes(t: Transcript, name: string, match: (input: Record<string, unknown>) => boolean): string[] {
  return t.toolCalls
    .filter((c) => c.name === name && match(c.input))
    .map((c) => (c.result ? (c.result.isError ? 'error' : 'ok') : 'none'));
}

function isCompactBoundary(r: Rec): boolean {
  return r.type === 'system' && r.subtype === 'compact_boundary';
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

interface Ctx {
  bin: string;
  home: string;
  /** The session's working folder (the workspace, or the scenario's `cwd` inside it). */
  ws: string;
  /** The workspace: the git repository (a plain folder with `git: false`). */
  root: string;
  env: NodeJS.ProcessEnv;
  mock: MockMessagesServer;
  /** The scenario's extra client arguments, for every run. */
  clientArgs: string[];
  /** One `claude -p` run; throws unless it exits 0 with a session id. */
  print(prompt: string, opts?: { resume?: string; allowedTools?: string[] }): Promise<string>;
  log(label: string, stdout: string, stderr: string): void;
}

/** What a scenario's recorded files look like, for its checks and README paragraph. */
interface Recorded {
  sessions: { id: string; main: Transcript; subagents: Transcript[]; other: string[] }[];
  /** The sessions' working folder. */
  ws: string;
  /** The workspace it is in (= ws unless the scenario has a `cwd`). */
  root: string;
  home: string;
}

interface Scenario {
  name: string;
  describes: string;
  /** Prose for the README (what was scripted and why). */
  story: string[];
  /** How the client was driven (for the README). */
  commands: string[];
  /** Extra arguments for every client run of the scenario (see TOOLS). */
  clientArgs: string[];
  /** Arguments appended after `clientArgs` and not shown before `-p` in the README (`commands` shows them). */
  lateArgs?: string[];
  /** `ws` is the sessions' working folder, `root` the workspace (they differ only with `cwd`). */
  script(ws: string, home: string, root: string): ClaudeScript;
  /** Files committed in the workspace before the client runs. */
  prepare: Record<string, string>;
  /** The sessions' working folder, relative to the workspace (default: the workspace itself). */
  cwd?: string;
  /** false: the workspace is a plain folder, not a git repository (default true). */
  git?: boolean;
  /** List every tool call's result text in the README (not only the is_error ones). */
  showResults?: boolean;
  /** Runs the client; returns the main session ids in order of start. */
  body(ctx: Ctx): Promise<string[]>;
  /** Asserts the facts the scenario claims, on the copied files and the workspace. */
  verify(rec: Recorded, check: Checks): void;
}

/**
 * Size. 2.1.330 records the whole system prompt and tool list at the start of every session (an
 * `attachment` `prompt_snapshot`, ~70 KB, twice, and again after a compaction) besides the request
 * shape (`api-request-shape`, ~60-80 KB): ~250 KB per session before anything happens, and the
 * fixture set would be well over its budget. Two documented client switches keep it small:
 * `--tools` offers only the built-in tools a scenario uses (the default set has ~15 more, each with a
 * long description), and `--system-prompt-snapshot off` stops recording the prompt snapshot. `build`
 * keeps the snapshot (so those lines are covered, before and after its compaction); the others turn
 * it off.
 */
const TOOLS = ['--tools', 'Bash,Write,Edit,Read,Agent'];
const SNAPSHOT_OFF = ['--system-prompt-snapshot', 'off'];

const PRINT_FLAGS = `--model ${MODEL} --permission-mode acceptEdits --allowedTools Bash Write Edit Read Agent --output-format stream-json --verbose`;

const scenarios: Scenario[] = [
  {
    name: 'build',
    describes:
      'One print-mode session over four resumed `claude -p` runs: Write/Bash/Edit with a failing then passing test and a commit; Read and a background Agent subagent with its <task-notification> turn; /compact; Read/Edit/Bash/commit after the compaction.',
    story: [
      `Run 1 \`${B_PROMPT_1}\`: Write \`app.txt\` ("broken"), Bash \`sh test.sh\` FAILS (exit 1), Edit \`app.txt\` to "ok", Bash \`sh test.sh\` passes, Bash \`rm old.txt\`, Bash \`git add -A && git commit -q -m "${B_COMMIT_1}"\`, final text.`,
      `Run 2 (\`--resume\`) \`${B_PROMPT_2}\`: Read \`app.txt\`, Agent (general-purpose) whose subagent runs Bash \`ls | wc -l\` and answers "There are 3 files."; the client runs it in the background, so the main turn ends with "A subagent is counting the files." and a second turn answers the \`<task-notification>\`.`,
      `Run 3 (\`--resume\`) \`${B_PROMPT_3}\`: a manual compaction (the mock answers the summary request with \`<analysis>…<summary>…\`).`,
      `Run 4 (\`--resume\`) \`${B_PROMPT_4}\`: after the compaction, thinking + Read \`app.txt\`, Edit (adds a "v2" line), Bash \`sh test.sh\` passes, Bash \`git commit -q -am "${B_COMMIT_2}"\`, final text.`,
    ],
    commands: [
      `claude -p "${B_PROMPT_1}" ${PRINT_FLAGS}`,
      `claude -p "${B_PROMPT_2}" … --resume <id>`,
      `claude -p "${B_PROMPT_3}" … --resume <id>`,
      `claude -p "${B_PROMPT_4}" … --resume <id>`,
    ],
    clientArgs: TOOLS,
    script: (ws) => buildScript(ws),
    prepare: { 'old.txt': 'obsolete\n', 'test.sh': TEST_SH },
    async body(ctx) {
      const id = await ctx.print(B_PROMPT_1);
      for (const prompt of [B_PROMPT_2, B_PROMPT_3, B_PROMPT_4]) {
        const again = await ctx.print(prompt, { resume: id });
        if (again !== id) throw new Error(`build: --resume ${id} reported session ${again}`);
      }
      return [id];
    },
    verify({ sessions, ws }, check) {
      check.that(sessions.length === 1, `one session, got ${sessions.length}`);
      const s = sessions[0];
      if (!s) return;
      const t = s.main;
      const app = join(ws, 'app.txt');
      check.that(outcomes(t, 'Write', fileIs(app)).join() === 'ok', 'Write app.txt succeeded once');
      check.that(
        outcomes(t, 'Bash', cmdIs('sh test.sh')).join() === 'error,ok,ok',
        `Bash sh test.sh: fail, pass, pass (got ${outcomes(t, 'Bash', cmdIs('sh test.sh')).join()})`,
      );
      check.that(outcomes(t, 'Edit', fileIs(app)).join() === 'ok,ok', 'two successful Edits of app.txt');
      check.that(outcomes(t, 'Bash', cmdIs('rm old.txt')).join() === 'ok', 'rm old.txt ran');
      check.that(outcomes(t, 'Bash', cmdHas('git commit')).join() === 'ok,ok', 'two successful commits');
      check.that(outcomes(t, 'Read', fileIs(app)).join() === 'ok,ok', 'two Reads of app.txt');
      check.that(outcomes(t, 'Agent', () => true).join() === 'ok', 'one Agent call with a result');
      const notification = t.records.findIndex(
        (r) =>
          r.type === 'user' &&
          typeof r.message?.content === 'string' &&
          r.message.content.startsWith('<task-notification>'),
      );
      check.that(notification >= 0, "a user line with the background subagent's <task-notification>");
      check.that(t.assistantTexts.includes(NOTIFICATION_REPLY), 'the reply to the <task-notification>');
      const boundary = t.records.findIndex(isCompactBoundary);
      const snapshots = t.records.flatMap((r, i) =>
        r.type === 'attachment' && (r as { attachment?: { type?: string } }).attachment?.type === 'prompt_snapshot'
          ? [i]
          : [],
      );
      check.that(
        snapshots.some((i) => i < boundary) && snapshots.some((i) => i > boundary),
        'prompt_snapshot attachments before and after the compaction',
      );
      check.that(boundary >= 0, 'a compact_boundary system line');
      check.that(t.count((r) => r.isCompactSummary === true) >= 1, 'a compact summary user line (isCompactSummary)');
      const edits = t.toolCalls.filter((c) => c.name === 'Edit');
      check.that(
        boundary >= 0 && edits.length === 2 && edits[1]!.line > boundary,
        'the second Edit comes after the compact_boundary',
      );
      check.that(s.subagents.length >= 1, `subagent transcript(s) under ${s.id}/subagents/, got ${s.subagents.length}`);
      check.that(
        s.subagents.some((a) => outcomes(a, 'Bash', cmdIs('ls | wc -l')).join() === 'ok'),
        'the subagent ran Bash `ls | wc -l`',
      );
      const log = git(ws, ['log', '--format=%s']);
      check.that(
        log.includes(B_COMMIT_1) && log.includes(B_COMMIT_2),
        `both commits in the workspace's git log (got ${JSON.stringify(log)})`,
      );
      check.that(!existsSync(join(ws, 'old.txt')), 'old.txt is gone from the workspace');
      check.that(readFileSync(app, 'utf8') === 'ok\nv2\n', 'app.txt ends as "ok\\nv2\\n"');
    },
  },
  {
    name: 'failures',
    describes:
      'Session 0: a print-mode turn whose Bash exits non-zero, Edit misses its old_string, Read hits a missing file, Write outside the workspace is refused and WebFetch (not allowed) is refused; an honest final text. Session 1: `sh slow.sh` with the client SIGTERMed while the tool runs (the client kills the tool and records an is_error result). Session 2: the same with SIGKILL, so the transcript ends with a tool call without result.',
    story: [
      `Session 0 \`${F_PROMPT}\` (\`--allowedTools ${F_ALLOWED.join(' ')}\`: no Write/Edit rule, so only acceptEdits decides about edits): Bash \`ls missing-dir\` (exit 2), Read \`README.md\` (ok), Edit \`README.md\` with an old_string that is not in it, Read \`missing.txt\` (does not exist), Write \`$HOME/${F_OUTSIDE}\` (outside the workspace: acceptEdits does not cover it and -p cannot ask, so the client refuses), WebFetch \`http://127.0.0.1:9/\` (not allowed: refused before running), final text saying what failed.`,
      `Session 1 \`${SLOW}\`: Bash \`sh slow.sh\` (sleep 30); the script watches the transcript and the client's processes and sends SIGTERM to the client once the tool_use line is written and \`sleep 30\` runs. The client kills the tool itself and records its tool_result (is_error) before it exits; no model reply follows. (A SIGTERM that lands after the tool_use line but before the tool's process starts leaves no result at all; that case is not deterministic, so it is recorded with SIGKILL instead.)`,
      `Session 2 \`${SLOW_AGAIN}\`: SIGKILL as soon as the tool_use line is written: the client cannot write anything more, so the transcript ends with the Bash tool_use and no result (a crash).`,
    ],
    commands: [
      `claude -p "${F_PROMPT}" ${PRINT_FLAGS.replace('Bash Write Edit Read Agent', F_ALLOWED.join(' '))}`,
      `claude -p "${SLOW}" ${PRINT_FLAGS}   # SIGTERM once the Bash tool_use is in the transcript and sleep 30 runs`,
      `claude -p "${SLOW_AGAIN}" ${PRINT_FLAGS}   # SIGKILL once the Bash tool_use is in the transcript`,
    ],
    // WebFetch is offered (so the model can call it) but not allowed.
    clientArgs: ['--tools', 'Bash,Write,Edit,Read,Agent,WebFetch', ...SNAPSHOT_OFF],
    script: (ws, home) => failuresScript(ws, home),
    prepare: { 'slow.sh': SLOW_SH },
    async body(ctx) {
      const first = await ctx.print(F_PROMPT, { allowedTools: F_ALLOWED });
      const second = await printKilledAtToolUse(ctx, SLOW, 'sh slow.sh', 'SIGTERM', ['sleep', '30']);
      const third = await printKilledAtToolUse(ctx, SLOW_AGAIN, 'sh slow.sh', 'SIGKILL');
      return [first, second, third];
    },
    verify({ sessions, ws, home }, check) {
      check.that(sessions.length === 3, `three sessions, got ${sessions.length}`);
      const [a, b, c] = sessions;
      if (a) {
        const t = a.main;
        const expectError = (name: string, match: (i: Record<string, unknown>) => boolean, what: string) => {
          const got = outcomes(t, name, match);
          check.that(
            got.join() === 'error',
            `${what}: one ${name} call with an is_error result (got ${got.join() || 'no call'})`,
          );
        };
        expectError('Bash', cmdIs('ls missing-dir'), 'ls missing-dir');
        expectError('Edit', fileIs(join(ws, 'README.md')), 'Edit with a missing old_string');
        expectError('Read', fileIs(join(ws, 'missing.txt')), 'Read of a missing file');
        expectError('Write', fileIs(join(home, F_OUTSIDE)), 'Write outside the workspace');
        expectError('WebFetch', () => true, 'WebFetch not in --allowedTools');
        check.that(
          outcomes(t, 'Read', fileIs(join(ws, 'README.md'))).join() === 'ok',
          'the Read of README.md succeeded',
        );
        check.that(!existsSync(join(home, F_OUTSIDE)), `${F_OUTSIDE} was not written in HOME`);
        check.that(t.assistantTexts.includes(F_FINAL), 'the final text is in the transcript');
      }
      const killed = (sess: typeof b, what: string) => {
        const calls = sess?.main.toolCalls ?? [];
        const last = calls[calls.length - 1];
        check.that(
          calls.length === 1 && last?.name === 'Bash' && last.input['command'] === 'sh slow.sh',
          `${what}: one tool call, Bash \`sh slow.sh\``,
        );
        check.that(
          !sess?.main.records.slice((last?.line ?? 0) + 1).some((r) => r.type === 'assistant'),
          `${what}: nothing from the model after the killed call`,
        );
        return last;
      };
      if (b)
        check.that(
          killed(b, 'session 1 (SIGTERM)')?.result?.isError === true,
          'session 1 (SIGTERM): the killed Bash call has an is_error result written by the client',
        );
      if (c)
        check.that(
          killed(c, 'session 2 (SIGKILL)')?.result === undefined,
          'session 2 (SIGKILL): the transcript ends with the Bash call and no tool_result',
        );
    },
  },
  {
    name: 'interactive',
    describes:
      'The TUI in a pseudo-terminal: "say hi"; "run the slow job" (Bash interrupted with Escape); "write notes.txt" (Write); /clear; "say bye"; /exit. Two sessions: before and after /clear.',
    story: [
      `Session 0: \`${HI}\` → "${HI_REPLY}"; \`${SLOW}\` → text + Bash \`sh slow.sh\` (sleep 30), Escape pressed while it runs (the user interrupt); \`${NOTES}\` → Write \`notes.txt\`, "${NOTES_REPLY}"; then \`/clear\`.`,
      `Session 1 (after /clear, a new session id): \`${BYE}\` → "${BYE_REPLY}"; \`/exit\`.`,
    ],
    commands: [
      `claude --model ${MODEL} --permission-mode acceptEdits --allowedTools Bash Write Edit Read Agent   # in a 140×40 pty, keys typed by the script`,
    ],
    clientArgs: [...TOOLS, ...SNAPSHOT_OFF],
    script: (ws) => interactiveScript(ws),
    prepare: { 'slow.sh': SLOW_SH },
    async body(ctx) {
      const steps: InteractiveStep[] = [
        { waitFor: /accept edits on|\? for shortcuts/ },
        { type: HI },
        { waitFor: new RegExp(escapeRe(HI_REPLY)) },
        { waitMs: 500 },
        { type: SLOW },
        // The TUI redraws only what changed, so status words can arrive in pieces; the command line
        // of the tool call is drawn whole. The job sleeps 30 s: 3 s in, it is surely running.
        { waitFor: /\$ sh slow\.sh/ },
        { waitMs: 3_000 },
        // Escape (the driver sends Enter after it, on an empty prompt: nothing happens).
        { type: '\x1b' },
        { waitFor: /Interrupted/ },
        { waitMs: 1_000 },
        { type: NOTES },
        { waitFor: new RegExp(escapeRe(NOTES_REPLY)) },
        { waitMs: 500 },
        { type: '/clear' },
        { waitMs: 2_000 },
        { type: BYE },
        { waitFor: new RegExp(escapeRe(BYE_REPLY)) },
        { waitMs: 500 },
        { type: '/exit' },
      ];
      const args = [
        '--model',
        MODEL,
        '--permission-mode',
        'acceptEdits',
        '--allowedTools',
        ...DEFAULT_TOOLS,
        ...ctx.clientArgs,
      ];
      const r = await runClaudeInteractive(ctx.bin, {
        cwd: ctx.ws,
        env: ctx.env,
        steps,
        args,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      ctx.log('interactive', r.text, '');
      if (r.timedOut || r.code !== 0)
        throw new Error(
          `interactive: exit ${r.code ?? r.signal}, timed out ${r.timedOut}; screen tail:\n${r.text.slice(-1500)}`,
        );
      return r.sessionIds;
    },
    verify({ sessions, ws }, check) {
      check.that(sessions.length === 2, `two sessions (before and after /clear), got ${sessions.length}`);
      const [a, b] = sessions;
      if (a) {
        const t = a.main;
        check.that(t.assistantTexts.includes(HI_REPLY), 'session 0 has the hi reply');
        check.that(
          outcomes(t, 'Bash', cmdIs('sh slow.sh')).join() === 'error',
          `the interrupted Bash sh slow.sh has an is_error result (got ${outcomes(t, 'Bash', cmdIs('sh slow.sh')).join()})`,
        );
        check.that(
          t.userTexts.some((u) => u === INTERRUPTED),
          `the user interrupt marker "${INTERRUPTED}"`,
        );
        check.that(
          t.userTexts.some((u) => u.trim() === NOTES),
          `the prompt "${NOTES}" after the interrupt`,
        );
        check.that(outcomes(t, 'Write', fileIs(join(ws, 'notes.txt'))).join() === 'ok', 'Write notes.txt succeeded');
        check.that(t.assistantTexts.includes(NOTES_REPLY), 'session 0 has the notes reply');
        check.that(!t.userTexts.some((u) => u.includes(BYE)), 'session 0 does not hold the prompt typed after /clear');
      }
      if (b) {
        check.that(
          b.main.userTexts.some((u) => u.trim() === BYE),
          'session 1 starts with "say bye"',
        );
        check.that(b.main.assistantTexts.includes(BYE_REPLY), 'session 1 has the bye reply');
        check.that(b.main.toolCalls.length === 0, 'session 1 has no tool calls');
      }
      check.that(existsSync(join(ws, 'notes.txt')), 'notes.txt exists in the workspace');
    },
  },
  {
    name: 'long',
    describes:
      'One print-mode session of three resumed turns with 10–12 tool calls each (Write/Edit/Read/Bash, a failing then passing check per turn, a failing usage call, a commit per turn, thinking blocks, two parallel Writes): a few hundred lines for chunked replay.',
    story: [
      `Turn 1 \`${L_PROMPT_1}\`: thinking, Write \`lib/add.sh\` (subtracts by mistake), Write \`lib/mul.sh\`, Write \`test/run.sh\`, Bash \`sh test/run.sh\` FAILS, Read + Edit \`lib/add.sh\`, Bash \`sh test/run.sh\` passes, Write \`NOTES.md\`, Bash \`git status --short\`, Bash commit "${L_COMMITS[0]}", final text.`,
      `Turn 2 (\`--resume\`) \`${L_PROMPT_2}\`: thinking + two parallel Writes (\`lib/sub.sh\`, \`lib/div.sh\`) in one message, Read + Edit \`test/run.sh\`, Bash \`sh test/run.sh\` FAILS (division by zero), Edit \`lib/div.sh\`, Bash \`sh test/run.sh\` passes, Read + Edit \`NOTES.md\`, Bash \`git diff --stat\`, Bash commit "${L_COMMITS[1]}", final text.`,
      `Turn 3 (\`--resume\`) \`${L_PROMPT_3}\`: thinking + Write \`calc.sh\`, Bash \`sh calc.sh add 2 3\`, Bash \`sh calc.sh pow 2 3\` FAILS (exit 2, usage), Bash \`sh calc.sh div 8 2\`, Read + Edit \`NOTES.md\`, Read + Edit \`README.md\`, Bash \`sh test/run.sh\`, Bash commit "${L_COMMITS[2]}", Bash \`git log --oneline\`, final text.`,
    ],
    commands: [
      `claude -p "${L_PROMPT_1}" ${PRINT_FLAGS}`,
      `claude -p "${L_PROMPT_2}" … --resume <id>`,
      `claude -p "${L_PROMPT_3}" … --resume <id>`,
    ],
    clientArgs: [...TOOLS, ...SNAPSHOT_OFF],
    script: (ws) => longScript(ws),
    prepare: {},
    async body(ctx) {
      const id = await ctx.print(L_PROMPT_1);
      for (const prompt of [L_PROMPT_2, L_PROMPT_3]) {
        const again = await ctx.print(prompt, { resume: id });
        if (again !== id) throw new Error(`long: --resume ${id} reported session ${again}`);
      }
      return [id];
    },
    verify({ sessions, ws }, check) {
      check.that(sessions.length === 1, `one session, got ${sessions.length}`);
      const t = sessions[0]?.main;
      if (!t) return;
      const calls = t.toolCalls;
      check.that(calls.length >= 30, `at least 30 tool calls, got ${calls.length}`);
      check.that(
        calls.every((c) => c.result !== undefined),
        'every tool call has a result',
      );
      check.that(
        outcomes(t, 'Bash', cmdIs('sh test/run.sh')).join() === 'error,ok,error,ok,ok',
        `sh test/run.sh: fail, pass, fail, pass, pass (got ${outcomes(t, 'Bash', cmdIs('sh test/run.sh')).join()})`,
      );
      check.that(outcomes(t, 'Bash', cmdIs('sh calc.sh pow 2 3')).join() === 'error', 'sh calc.sh pow 2 3 fails');
      check.that(outcomes(t, 'Bash', cmdHas('git commit')).join() === 'ok,ok,ok', 'three commits');
      check.that(
        calls.filter((c) => c.result?.isError).length === 3,
        `exactly three failed calls, got ${calls.filter((c) => c.result?.isError).length}`,
      );
      check.that(t.lineCount >= 150, `a few hundred lines, got ${t.lineCount}`);
      const log = git(ws, ['log', '--format=%s']);
      check.that(
        L_COMMITS.every((m) => log.includes(m)),
        `the three commits in git log (got ${JSON.stringify(log)})`,
      );
      check.that(git(ws, ['status', '--porcelain']) === '', 'the workspace is clean at the end');
    },
  },
  {
    name: 'edit-retry',
    describes:
      'One print-mode turn in the default permission mode: an Edit whose old_string is not in the file (error), Read and the retried Edit (ok); a Write to an existing file not read first (refused: "File has not been read yet"), Read and the Write again (ok); Bash `rm obsolete.txt`, which no rule allows (refused: -p cannot ask); `git mv ghost.js spirit.js` (exit 128).',
    story: [
      `\`${E_PROMPT}\` with \`--permission-mode default --allowedTools ${E_ALLOWED.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}\` (in acceptEdits mode the client lets \`rm\`, \`mv\`, \`cp\`, \`mkdir\`, \`touch\`, \`rmdir\` and \`sed\` run in the workspace unasked, so this scenario uses the default mode): Read \`src/app.js\`, Edit with an old_string naming the parameter \`name\` (the file says \`person\`) → not found, Read \`src/app.js\` again, Edit → ok, Bash \`sh test.sh\` → passes, Write \`config.json\` (exists, never read) → refused, Read \`config.json\`, Write \`config.json\` → ok, Bash \`rm obsolete.txt\` → refused (no rule allows it), Bash \`git mv ghost.js spirit.js\` → exit 128 (ghost.js does not exist), final text.`,
    ],
    commands: [
      `claude -p "${E_PROMPT}" ${PRINT_FLAGS.replace('Bash Write Edit Read Agent', E_ALLOWED.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' '))} --permission-mode default   # the later --permission-mode wins (the transcript records permissionMode "default")`,
    ],
    clientArgs: ['--tools', 'Bash,Write,Edit,Read', ...SNAPSHOT_OFF],
    lateArgs: ['--permission-mode', 'default'],
    showResults: true,
    script: (ws) => editRetryScript(ws),
    prepare: { 'src/app.js': E_APP, 'test.sh': E_TEST_SH, 'config.json': E_CONFIG, 'obsolete.txt': 'obsolete\n' },
    async body(ctx) {
      return [await ctx.print(E_PROMPT, { allowedTools: E_ALLOWED })];
    },
    verify({ sessions, ws }, check) {
      check.that(sessions.length === 1, `one session, got ${sessions.length}`);
      const t = sessions[0]?.main;
      if (!t) return;
      const app = join(ws, 'src', 'app.js');
      const config = join(ws, 'config.json');
      const texts = (name: string, match: (i: Record<string, unknown>) => boolean) =>
        t.toolCalls.filter((c) => c.name === name && match(c.input)).map((c) => c.result?.text ?? '');
      check.that(
        t.records.some((r) => r.type === 'user' && (r as { permissionMode?: string }).permissionMode === 'default'),
        'the prompt line records permissionMode "default"',
      );
      check.that(outcomes(t, 'Read', fileIs(app)).join() === 'ok,ok', 'two Reads of src/app.js');
      check.that(
        outcomes(t, 'Edit', fileIs(app)).join() === 'error,ok',
        `Edit src/app.js: not found, then ok (got ${outcomes(t, 'Edit', fileIs(app)).join()})`,
      );
      check.that(
        texts('Edit', fileIs(app))[0]?.includes('String to replace not found in file.') === true,
        'the failed Edit says "String to replace not found in file."',
      );
      check.that(outcomes(t, 'Bash', cmdIs('sh test.sh')).join() === 'ok', 'sh test.sh passes');
      check.that(
        outcomes(t, 'Write', fileIs(config)).join() === 'error,ok',
        `Write config.json: refused, then ok (got ${outcomes(t, 'Write', fileIs(config)).join()})`,
      );
      check.that(
        texts('Write', fileIs(config))[0]?.includes('File has not been read yet') === true,
        'the refused Write says "File has not been read yet"',
      );
      check.that(outcomes(t, 'Read', fileIs(config)).join() === 'ok', 'one Read of config.json');
      check.that(
        outcomes(t, 'Bash', cmdIs('rm obsolete.txt')).join() === 'error',
        'rm obsolete.txt has an is_error result',
      );
      check.that(
        /needs approval|haven't granted it yet/.test(texts('Bash', cmdIs('rm obsolete.txt'))[0] ?? ''),
        `rm obsolete.txt was refused for lack of permission (got ${JSON.stringify(texts('Bash', cmdIs('rm obsolete.txt'))[0])})`,
      );
      check.that(existsSync(join(ws, 'obsolete.txt')), 'obsolete.txt is still there');
      check.that(
        outcomes(t, 'Bash', cmdIs('git mv ghost.js spirit.js')).join() === 'error',
        'git mv ghost.js spirit.js has an is_error result',
      );
      check.that(
        (texts('Bash', cmdIs('git mv ghost.js spirit.js'))[0] ?? '').startsWith('Exit code 128'),
        `git mv exits 128 (got ${JSON.stringify(texts('Bash', cmdIs('git mv ghost.js spirit.js'))[0])})`,
      );
      check.that(
        t.toolCalls.filter((c) => c.result?.isError).length === 4,
        `exactly four failed calls, got ${t.toolCalls.filter((c) => c.result?.isError).length}`,
      );
      check.that(t.assistantTexts.includes(E_FINAL), 'the final text is in the transcript');
      check.that(readFileSync(app, 'utf8').includes("'Hello, ' + person"), 'src/app.js has the comma');
      check.that(readFileSync(config, 'utf8') === '{ "debug": true }\n', 'config.json has debug on');
    },
  },
  {
    // Not `subagents`: a folder of that name is where the client keeps subagent transcripts, and the
    // tests' fixture walk skips it.
    name: 'parallel-subagents',
    describes:
      'One print-mode turn whose single assistant message starts two foreground (`run_in_background: false`) Agent subagents at once: one Writes a new file, the other only Greps and Reads; the main turn gets both results and ends with a text.',
    story: [
      `\`${S_PROMPT}\`: text + two Agent tool_use blocks in one model response (general-purpose, \`run_in_background: false\`: 2.1.330 runs subagents in the background unless told so); the client runs both and the main turn waits for their results (no \`<task-notification>\` turn).`,
      'The two subagent transcripts overlap in time (both run at once); each `.meta.json` says `"requestShape":"foreground"`.',
      `Subagent \`${S_WRITER}\`: Write \`src/version.js\` (a new file), "${S_WRITER_REPLY}".`,
      `Subagent \`${S_FINDER}\`: Grep \`function greet\` in \`src\`, Read \`src/app.js\`, "${S_FINDER_REPLY}".`,
      `Final text: "${S_FINAL}"`,
    ],
    commands: [
      `claude -p "${S_PROMPT}" ${PRINT_FLAGS.replace('Bash Write Edit Read Agent', [...DEFAULT_TOOLS, 'Grep'].join(' '))}`,
    ],
    clientArgs: ['--tools', 'Agent,Write,Read,Grep', ...SNAPSHOT_OFF],
    showResults: true,
    script: (ws) => subagentsScript(ws),
    prepare: { 'src/app.js': E_APP },
    async body(ctx) {
      return [await ctx.print(S_PROMPT, { allowedTools: [...DEFAULT_TOOLS, 'Grep'] })];
    },
    verify({ sessions, ws }, check) {
      check.that(sessions.length === 1, `one session, got ${sessions.length}`);
      const s = sessions[0];
      if (!s) return;
      const t = s.main;
      const agents = t.toolCalls.filter((c) => c.name === 'Agent');
      check.that(agents.length === 2, `two Agent calls, got ${agents.length}`);
      const messageId = (line: number) => (t.records[line] as { message?: { id?: string } }).message?.id;
      check.that(
        agents.length === 2 &&
          messageId(agents[0]!.line) !== undefined &&
          messageId(agents[0]!.line) === messageId(agents[1]!.line),
        'both Agent tool_use blocks belong to one assistant message (same message.id)',
      );
      check.that(
        agents.every((a) => a.input['run_in_background'] === false),
        'both Agent calls ask for run_in_background: false',
      );
      check.that(
        agents.every((a) => a.result !== undefined && !a.result.isError),
        'both Agent calls have a successful result',
      );
      const launched = t.records.filter(
        (r) =>
          r.type === 'user' &&
          (r as { toolUseResult?: { status?: string } }).toolUseResult?.status === 'async_launched',
      );
      check.that(launched.length === 0, 'no Agent result says async_launched (they ran in the foreground)');
      check.that(
        !t.records.some(
          (r) =>
            r.type === 'user' &&
            typeof r.message?.content === 'string' &&
            r.message.content.startsWith('<task-notification>'),
        ),
        'no <task-notification> turn',
      );
      check.that(
        agents.some((a) => a.result?.text.includes(S_WRITER_REPLY)) &&
          agents.some((a) => a.result?.text.includes(S_FINDER_REPLY)),
        "the Agent results carry the subagents' replies",
      );
      check.that(t.assistantTexts.includes(S_FINAL), 'the final text is in the transcript');
      check.that(s.subagents.length === 2, `two subagent transcripts, got ${s.subagents.length}`);
      const version = join(ws, 'src', 'version.js');
      const writer = s.subagents.find((a) => a.toolCalls.some((c) => c.name === 'Write'));
      const finder = s.subagents.find((a) => a !== writer);
      check.that(
        writer !== undefined && outcomes(writer, 'Write', fileIs(version)).join() === 'ok',
        'one subagent Wrote src/version.js',
      );
      check.that(
        writer?.toolCalls.find((c) => c.name === 'Write')?.result?.text.startsWith('File created successfully at: ') ===
          true,
        'its Write result says "File created successfully at: …"',
      );
      check.that(
        finder !== undefined &&
          finder.toolCalls.length === 2 &&
          finder.toolCalls.every((c) => ['Grep', 'Read'].includes(c.name) && c.result?.isError === false),
        'the other subagent only Grepped and Read, successfully',
      );
      check.that(existsSync(version), 'src/version.js exists');
      const span = (a: Transcript) => {
        const times = a.records
          .flatMap((r) =>
            typeof (r as { timestamp?: unknown }).timestamp === 'string'
              ? [(r as { timestamp: string }).timestamp]
              : [],
          )
          .sort();
        return { first: times[0] ?? '', last: times.at(-1) ?? '' };
      };
      const shapes = s.subagents.map((a) => {
        const meta = a.path.replace(/\.jsonl$/, '.meta.json');
        return existsSync(meta)
          ? (JSON.parse(readFileSync(meta, 'utf8')) as { requestShape?: string }).requestShape
          : undefined;
      });
      check.that(
        shapes.length === 2 && shapes.every((x) => x === 'foreground'),
        `both .meta.json say requestShape "foreground" (got ${shapes.join(', ')})`,
      );
      const [x, y] = s.subagents.map(span);
      check.that(
        x !== undefined && y !== undefined && x.first < y.last && y.first < x.last,
        'the two subagents ran at the same time (their transcripts overlap in time)',
      );
    },
  },
  {
    name: 'chains',
    describes:
      "One print-mode turn of chained shell commands: `mkdir -p docs && mv NOTES.md docs/NOTES.md`; a Write of scratch/plan.txt, then `rm scratch/plan.txt && rmdir scratch`; `echo hi > hello.txt`, then Read + Edit of hello.txt; `cp a.txt b.txt; touch c.txt`; `printf '1.1.0\\n' > VERSION` onto a tracked file; a Write of out.log, then `sh cleanup.sh`, a tracked script that removes it.",
    story: [
      `\`${C_PROMPT}\`: Bash \`mkdir -p docs && mv NOTES.md docs/NOTES.md\`, Write \`scratch/plan.txt\`, Bash \`rm scratch/plan.txt && rmdir scratch\`, Bash \`echo hi > hello.txt\`, Read \`hello.txt\` (the client refuses to Edit a file it has not read, and a file made by a shell command is not read), Edit \`hello.txt\` ("hi" → "hello"), Bash \`cp a.txt b.txt; touch c.txt\`, Bash \`${C_BUMP}\` (VERSION is tracked and says 1.0.0: a redirect onto it modifies it on disk with no Write or Edit), Write \`out.log\` (new), Bash \`sh cleanup.sh\` (a tracked script, \`${C_CLEANUP_SH.trim()}\`: the transcript shows only its name, not that it deletes out.log), final text. Every call succeeds.`,
      'On disk at the end: VERSION says 1.1.0 and out.log is gone (it never reaches the end state); the script checks both.',
    ],
    commands: [`claude -p "${C_PROMPT}" ${PRINT_FLAGS}`],
    clientArgs: ['--tools', 'Bash,Write,Edit,Read', ...SNAPSHOT_OFF],
    showResults: true,
    script: (ws) => chainsScript(ws),
    prepare: { 'NOTES.md': '# Notes\n', 'a.txt': 'a\n', VERSION: C_VERSION, 'cleanup.sh': C_CLEANUP_SH },
    async body(ctx) {
      return [await ctx.print(C_PROMPT)];
    },
    verify({ sessions, ws }, check) {
      check.that(sessions.length === 1, `one session, got ${sessions.length}`);
      const t = sessions[0]?.main;
      if (!t) return;
      for (const cmd of [
        'mkdir -p docs && mv NOTES.md docs/NOTES.md',
        'rm scratch/plan.txt && rmdir scratch',
        'echo hi > hello.txt',
        'cp a.txt b.txt; touch c.txt',
        C_BUMP,
        'sh cleanup.sh',
      ]) {
        check.that(
          outcomes(t, 'Bash', cmdIs(cmd)).join() === 'ok',
          `Bash \`${cmd}\` ran (got ${outcomes(t, 'Bash', cmdIs(cmd)).join() || 'no call'})`,
        );
      }
      check.that(
        outcomes(t, 'Write', fileIs(join(ws, 'scratch', 'plan.txt'))).join() === 'ok',
        'Write scratch/plan.txt succeeded',
      );
      check.that(
        outcomes(t, 'Read', fileIs(join(ws, 'hello.txt'))).join() === 'ok' &&
          outcomes(t, 'Edit', fileIs(join(ws, 'hello.txt'))).join() === 'ok',
        'Read + Edit hello.txt succeeded',
      );
      check.that(t.assistantTexts.includes(C_FINAL), 'the final text is in the transcript');
      check.that(
        existsSync(join(ws, 'docs', 'NOTES.md')) && !existsSync(join(ws, 'NOTES.md')),
        'NOTES.md moved to docs/',
      );
      check.that(!existsSync(join(ws, 'scratch')), 'scratch/ is gone');
      check.that(readFileSync(join(ws, 'hello.txt'), 'utf8') === 'hello\n', 'hello.txt says hello');
      check.that(
        readFileSync(join(ws, 'b.txt'), 'utf8') === 'a\n' && readFileSync(join(ws, 'c.txt'), 'utf8') === '',
        'b.txt copies a.txt, c.txt is empty',
      );
      check.that(outcomes(t, 'Write', fileIs(join(ws, 'out.log'))).join() === 'ok', 'Write out.log succeeded');
      const bump = t.toolCalls.findIndex((c) => c.name === 'Bash' && c.input['command'] === C_BUMP);
      const log = t.toolCalls.findIndex((c) => c.name === 'Write' && c.input['file_path'] === join(ws, 'out.log'));
      const clean = t.toolCalls.findIndex((c) => c.name === 'Bash' && c.input['command'] === 'sh cleanup.sh');
      check.that(
        bump >= 0 && bump < log && log < clean,
        'the VERSION bump, then the Write of out.log, then sh cleanup.sh',
      );
      check.that(
        git(ws, ['ls-files', 'VERSION', 'cleanup.sh']) === 'VERSION\ncleanup.sh',
        'VERSION and cleanup.sh are tracked',
      );
      check.that(
        readFileSync(join(ws, 'VERSION'), 'utf8') === '1.1.0\n',
        `VERSION says 1.1.0 (got ${JSON.stringify(readFileSync(join(ws, 'VERSION'), 'utf8'))})`,
      );
      check.that(!existsSync(join(ws, 'out.log')), 'out.log is gone (cleanup.sh removed it)');
    },
  },
  {
    name: 'subfolder',
    describes: `One print-mode turn whose working folder is \`${SUB_DIR}\` inside the git repository (not its top): Write \`config.js\` there, Read + Edit \`../../README.md\` (the repository's top-level README), \`git status --short\`.`,
    story: [
      `\`${SUB_PROMPT}\`, run with the working folder \`<ws>/${SUB_DIR}\` (so \`cwd\` in the transcript is that folder; the git repository is \`<ws>\`): Write \`config.js\` (new), Read \`../../README.md\`, Edit it (adds a line; outside the working folder, allowed by the \`Edit\` rule), Bash \`git status --short\` (run in the subfolder: paths relative to it), final text.`,
    ],
    commands: [`cd <ws>/${SUB_DIR} && claude -p "${SUB_PROMPT}" ${PRINT_FLAGS}`],
    clientArgs: ['--tools', 'Bash,Write,Edit,Read', ...SNAPSHOT_OFF],
    showResults: true,
    cwd: SUB_DIR,
    script: (ws, _home, root) => subfolderScript(ws, root),
    prepare: { [`${SUB_DIR}/index.js`]: "import { config } from './config.js';\nconsole.log(config.port);\n" },
    async body(ctx) {
      return [await ctx.print(SUB_PROMPT)];
    },
    verify({ sessions, ws, root }, check) {
      check.that(sessions.length === 1, `one session, got ${sessions.length}`);
      const t = sessions[0]?.main;
      if (!t) return;
      check.that(t.cwd === join(root, SUB_DIR), `the transcript's cwd is the subfolder (got ${t.cwd})`);
      check.that(
        outcomes(t, 'Write', fileIs(join(ws, 'config.js'))).join() === 'ok',
        'Write config.js in the subfolder succeeded',
      );
      check.that(
        outcomes(t, 'Read', fileIs(join(root, 'README.md'))).join() === 'ok' &&
          outcomes(t, 'Edit', fileIs(join(root, 'README.md'))).join() === 'ok',
        'Read + Edit of the top-level README.md succeeded',
      );
      check.that(outcomes(t, 'Bash', cmdIs('git status --short')).join() === 'ok', 'git status ran');
      check.that(t.assistantTexts.includes(SUB_FINAL), 'the final text is in the transcript');
      check.that(
        git(root, ['status', '--porcelain']) === ' M README.md\n?? services/api/config.js'.trim(),
        `the repository has README.md modified and services/api/config.js new (got ${JSON.stringify(git(root, ['status', '--porcelain']))})`,
      );
    },
  },
  {
    name: 'no-git',
    describes:
      'One print-mode turn in a folder that is not a git repository (nor inside one): Write `todo.txt`, `cat todo.txt`.',
    story: [
      `\`${N_PROMPT}\` in a plain folder (README.md only, no \`git init\`, no repository above it): Write \`todo.txt\` (new), Bash \`cat todo.txt\`, final text. The client records \`gitBranch: "HEAD"\` on its lines there (not \`""\`).`,
    ],
    commands: [`claude -p "${N_PROMPT}" ${PRINT_FLAGS}`],
    clientArgs: ['--tools', 'Bash,Write', ...SNAPSHOT_OFF],
    git: false,
    script: (ws) => noGitScript(ws),
    prepare: {},
    async body(ctx) {
      return [await ctx.print(N_PROMPT)];
    },
    verify({ sessions, ws }, check) {
      check.that(sessions.length === 1, `one session, got ${sessions.length}`);
      const t = sessions[0]?.main;
      if (!t) return;
      check.that(outcomes(t, 'Write', fileIs(join(ws, 'todo.txt'))).join() === 'ok', 'Write todo.txt succeeded');
      check.that(outcomes(t, 'Bash', cmdIs('cat todo.txt')).join() === 'ok', 'cat todo.txt ran');
      check.that(t.assistantTexts.includes(N_FINAL), 'the final text is in the transcript');
      check.that(!existsSync(join(ws, '.git')) && !isInsideGit(ws), 'the folder is not in a git repository');
      const branches = new Set(
        t.records.flatMap((r) => ('gitBranch' in r ? [String((r as { gitBranch?: unknown }).gitBranch)] : [])),
      );
      check.that(
        branches.size === 1 && branches.has('HEAD'),
        `every line records gitBranch "HEAD" (got ${[...branches].map((b) => JSON.stringify(b)).join(', ')})`,
      );
    },
  },
  {
    name: 'chat-end',
    describes: `One print-mode session over two runs: turn 1 does work (Write + Bash); turn 2 (\`--resume\`) is chat only: "${CE_PROMPT_2}" → a short reply, no tool call.`,
    story: [
      `Run 1 \`${CE_PROMPT_1}\`: Write \`greeting.txt\`, Bash \`cat greeting.txt\`, "${CE_REPLY_1}".`,
      `Run 2 (\`--resume\`) \`${CE_PROMPT_2}\`: "${CE_REPLY_2}" (text only).`,
    ],
    commands: [`claude -p "${CE_PROMPT_1}" ${PRINT_FLAGS}`, `claude -p "${CE_PROMPT_2}" … --resume <id>`],
    clientArgs: ['--tools', 'Bash,Write', ...SNAPSHOT_OFF],
    script: (ws) => chatEndScript(ws),
    prepare: {},
    async body(ctx) {
      const id = await ctx.print(CE_PROMPT_1);
      const again = await ctx.print(CE_PROMPT_2, { resume: id });
      if (again !== id) throw new Error(`chat-end: --resume ${id} reported session ${again}`);
      return [id];
    },
    verify({ sessions, ws }, check) {
      check.that(sessions.length === 1, `one session, got ${sessions.length}`);
      const t = sessions[0]?.main;
      if (!t) return;
      check.that(
        outcomes(t, 'Write', fileIs(join(ws, 'greeting.txt'))).join() === 'ok' &&
          outcomes(t, 'Bash', cmdIs('cat greeting.txt')).join() === 'ok',
        'turn 1: Write + Bash succeeded',
      );
      const second = t.records.findIndex(
        (r) => r.type === 'user' && typeof r.message?.content === 'string' && r.message.content.trim() === CE_PROMPT_2,
      );
      check.that(second >= 0, `the resumed prompt "${CE_PROMPT_2}" is in the transcript`);
      check.that(second >= 0 && t.toolCalls.every((c) => c.line < second), 'no tool call after the second prompt');
      check.that(t.assistantTexts.at(-1) === CE_REPLY_2, `the last assistant text is "${CE_REPLY_2}"`);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).trim();
}

/** Whether `dir` is inside a git work tree (e.g. a temp folder under a checkout). */
function isInsideGit(dir: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--is-inside-work-tree'], {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
    });
    return true;
  } catch {
    return false;
  }
}

/** README.md plus `files`, committed as a first commit unless `withGit` is false (then a plain folder). */
function initWorkspace(ws: string, files: Record<string, string>, withGit = true): void {
  mkdirSync(ws, { recursive: true });
  if (withGit) {
    git(ws, ['init', '-q', '-b', 'main']);
    git(ws, ['config', 'user.email', 'fixtures@shiplog.invalid']);
    git(ws, ['config', 'user.name', 'Shiplog Fixtures']);
    git(ws, ['config', 'commit.gpgsign', 'false']);
  }
  writeFileSync(join(ws, 'README.md'), '# fixture workspace\n');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, name)), { recursive: true });
    writeFileSync(join(ws, name), content);
  }
  if (withGit) {
    git(ws, ['add', '-A']);
    git(ws, ['commit', '-qm', 'Initial commit']);
  }
}

/** The pid of the `claude` process we started in `ws` (a process group leader running `bin`). */
function clientPid(bin: string, ws: string): number | null {
  const exe = realpathSync(bin);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp !== Number(entry)) continue;
      if (readlinkSync(`/proc/${entry}/exe`) !== exe || readlinkSync(`/proc/${entry}/cwd`) !== ws) continue;
      return Number(entry);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return null;
}

/**
 * A `claude -p` run stopped by `signal` while it runs the Bash call of `command`: the transcript is
 * watched (not a fixed delay) until it holds that tool_use and, with `untilRunning`, until the client
 * has the tool's process `untilRunning` running; then the client itself (found by its pid) gets the
 * signal, as `kill` would send it.
 */
async function printKilledAtToolUse(
  ctx: Ctx,
  prompt: string,
  command: string,
  signal: 'SIGTERM' | 'SIGKILL',
  untilRunning?: string[],
): Promise<string> {
  let done = false;
  const killed: { at: number | null } = { at: null };
  const needle = JSON.stringify(command).slice(1, -1);
  // Only the session this run starts: an earlier one may hold the same call.
  const earlier = new Set(listTranscripts(ctx.env).map((t) => t.sessionId));
  const watch = (async () => {
    while (!done) {
      const written = listTranscripts(ctx.env).some(
        (t) =>
          t.kind === 'main' &&
          !earlier.has(t.sessionId) &&
          readFileSync(t.path, 'utf8')
            .split('\n')
            .some((l) => l.includes('"tool_use"') && l.includes(`"command":"${needle}"`)),
      );
      const pid = written ? clientPid(ctx.bin, ctx.ws) : null;
      if (pid !== null && (untilRunning === undefined || descendantRuns(pid, untilRunning))) {
        process.kill(pid, signal);
        killed.at = Date.now();
        return;
      }
      await sleep(50);
    }
  })();
  const started = Date.now();
  console.log(
    `  claude -p ${JSON.stringify(prompt)}, ${signal} once the tool_use is written${untilRunning ? ` and \`${untilRunning.join(' ')}\` runs` : ''}`,
  );
  const r = await runClaudePrint(ctx.bin, {
    cwd: ctx.ws,
    prompt,
    env: ctx.env,
    timeoutMs: 60_000,
    extraArgs: ctx.clientArgs,
  });
  done = true;
  await watch;
  ctx.log(signal, r.stdout, r.stderr);
  if (killed.at === null)
    throw new Error(
      `${prompt}: the transcript never showed the Bash call of ${command} (or its process) while the client ran (exit ${r.code ?? r.signal})\n${r.stderr}`,
    );
  const code = signal === 'SIGTERM' ? 143 : 137;
  if (!(r.code === code || r.signal === signal))
    throw new Error(`${prompt}: expected the client to end by ${signal}, got exit ${r.code} signal ${r.signal}`);
  console.log(`    ${signal} ${killed.at - started} ms after start`);
  const id = r.sessionId ?? newestSession(ctx.env);
  if (!id) throw new Error(`${prompt}: no session id`);
  return id;
}

function newestSession(env: NodeJS.ProcessEnv): string | null {
  const mains = listTranscripts(env).filter((t) => t.kind === 'main');
  return mains[mains.length - 1]?.sessionId ?? null;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function scriptSize(script: ClaudeScript): number {
  return Object.values(script).reduce((n, steps) => n + steps.length, 0);
}

// ---------------------------------------------------------------------------------------------
// Manifest
// ---------------------------------------------------------------------------------------------

interface Manifest {
  client: string;
  /**
   * `root`: the repository root (the git top level; = `workspace` unless the scenario has a `cwd`).
   * `disk`/`tracked`/`before`/`commits` (scripts/fixture-disk.ts): that root snapshotted right before
   * the first client run and right after the last one, paths relative to it, and the commits made in between.
   */
  scenarios: Record<
    string,
    { sessions: string[]; workspace: string; describes: string; root?: string } & Partial<DiskTruth>
  >;
}

function readManifest(version: string): Manifest {
  if (!existsSync(manifestPath)) return { client: version, scenarios: {} };
  const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  return m;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function runScenario(
  s: Scenario,
  bin: string,
  tmpRoot: string,
): Promise<{ sessions: string[]; workspace: string; root: string; stage: string; truth: DiskTruth }> {
  const base = join(tmpRoot, s.name);
  const home = join(base, 'home');
  const root = join(base, 'ws');
  const ws = s.cwd ? join(root, s.cwd) : root;
  const logDir = join(base, 'logs');
  const stage = join(base, 'out');
  for (const d of [home, logDir, stage]) mkdirSync(d, { recursive: true });
  initWorkspace(root, s.prepare, s.git !== false);
  mkdirSync(ws, { recursive: true });
  if (s.git === false && isInsideGit(ws))
    throw new Error(`${s.name}: ${ws} is inside a git repository; the scenario needs a folder outside any`);
  const script = s.script(ws, home, root);
  const mock = await startMockMessages(script, { summary: B_SUMMARY });
  try {
    const env = claudeEnv({
      home,
      mockUrl: mock.url,
      extra: {
        TZ: 'UTC',
        GIT_CONFIG_NOSYSTEM: '1',
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_STATE_HOME: join(home, '.local', 'state'),
        XDG_CACHE_HOME: join(home, '.cache'),
      },
    });
    let n = 0;
    const ctx: Ctx = {
      bin,
      home,
      ws,
      root,
      env,
      mock,
      clientArgs: s.clientArgs,
      log(label, stdout, stderr) {
        writeFileSync(join(logDir, `${String(++n).padStart(2, '0')}-${label}.stdout`), stdout);
        writeFileSync(join(logDir, `${String(n).padStart(2, '0')}-${label}.stderr`), stderr);
      },
      async print(prompt, opts = {}) {
        console.log(
          `  [${s.name}] claude -p ${JSON.stringify(prompt)}${opts.resume ? ` --resume ${opts.resume}` : ''}`,
        );
        const r = await runClaudePrint(bin, {
          cwd: ws,
          prompt,
          env,
          timeoutMs: RUN_TIMEOUT_MS,
          ...(opts.resume ? { resume: opts.resume } : {}),
          ...(opts.allowedTools ? { allowedTools: opts.allowedTools } : {}),
          extraArgs: [...s.clientArgs, ...(s.lateArgs ?? [])],
        });
        ctx.log(prompt.replace(/\W+/g, '-').slice(0, 30), r.stdout, r.stderr);
        if (r.code !== 0 || r.timedOut)
          throw new Error(
            `claude -p ${JSON.stringify(prompt)}: exit ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''}\nstderr:\n${r.stderr.slice(-2000)}\nstdout tail:\n${r.stdout.slice(-2000)}`,
          );
        if (!r.sessionId) throw new Error(`claude -p ${JSON.stringify(prompt)}: no session id in stream-json`);
        return r.sessionId;
      },
    };
    // What happens on disk: the repository root (not the cwd: `subfolder`) from right before the
    // first client run to right after the last; HOME and other folders outside it are not counted.
    const start = startState(root, s.git !== false);
    const ids = await s.body(ctx);
    const truth = diskTruth(start, root);

    // The conversation went as scripted: nothing unscripted was asked, every scripted step was.
    const unscripted = mock.requests.filter(
      (r) => r.answered.kind === 'unscripted' || (r.answered.kind === 'not-found' && r.path.startsWith('/v1/messages')),
    );
    if (unscripted.length > 0) {
      throw new Error(
        `${s.name}: ${unscripted.length} request(s) had no scripted step: ${unscripted.map((r) => JSON.stringify(r.answered)).join('; ')}`,
      );
    }
    const answered = new Set(
      mock.requests.flatMap((r) =>
        r.answered.kind === 'step' ? [`${r.answered.prompt}\u0000${r.answered.step}`] : [],
      ),
    );
    if (answered.size !== scriptSize(script))
      throw new Error(`${s.name}: only ${answered.size} of ${scriptSize(script)} scripted steps were requested`);

    // Copy: main transcripts and their subagents, byte for byte, same relative layout.
    const all = listTranscripts(env);
    const mains = all.filter((t) => t.kind === 'main');
    const extra = mains.filter((t) => !ids.includes(t.sessionId)).map((t) => t.sessionId);
    if (extra.length > 0) throw new Error(`${s.name}: unexpected sessions ${extra.join(', ')}`);
    const ordered = mains.map((t) => t.sessionId);
    if (ordered.join() !== ids.join())
      throw new Error(
        `${s.name}: the client reported sessions ${ids.join(', ')}, the transcripts in start order are ${ordered.join(', ')}`,
      );
    for (const id of ids) {
      const main = mains.find((t) => t.sessionId === id)!;
      copyFileSync(main.path, join(stage, `${id}.jsonl`));
      chmodSync(join(stage, `${id}.jsonl`), 0o644); // the client writes 0600
      const sessionDir = join(dirname(main.path), id);
      for (const p of walk(sessionDir)) {
        const rel = relative(sessionDir, p);
        if (/^subagents\/(agent-[^/]+\.jsonl|[^/]+\.meta\.json)$/.test(rel)) {
          mkdirSync(join(stage, id, 'subagents'), { recursive: true });
          copyFileSync(p, join(stage, id, rel));
          chmodSync(join(stage, id, rel), 0o644);
        } else {
          console.log(`    (not copied: ${id}/${rel})`);
        }
      }
    }
    const first = new Transcript(join(stage, `${ids[0]}.jsonl`));
    const workspace = first.cwd;
    if (workspace !== ws) throw new Error(`${s.name}: the transcript records cwd ${workspace}, expected ${ws}`);
    const check = new Checks(s.name);
    s.verify(recorded(stage, ids, ws, home, root), check);
    check.throwIfFailed();
    return { sessions: ids, workspace, root, stage, truth };
  } finally {
    await mock.close();
    writeFileSync(join(logDir, 'requests.json'), JSON.stringify(mock.requests, null, 2));
  }
}

function recorded(dir: string, ids: string[], ws: string, home: string, root = ws): Recorded {
  return {
    ws,
    root,
    home,
    sessions: ids.map((id) => {
      const subDir = join(dir, id, 'subagents');
      const subagents = existsSync(subDir)
        ? readdirSync(subDir)
            .filter((f) => f.endsWith('.jsonl'))
            .sort()
            .map((f) => new Transcript(join(subDir, f)))
        : [];
      const other = existsSync(join(dir, id))
        ? walk(join(dir, id))
            .filter((p) => !p.endsWith('.jsonl'))
            .map((p) => relative(dir, p))
        : [];
      return { id, main: new Transcript(join(dir, `${id}.jsonl`)), subagents, other };
    }),
  };
}

/** No credentials in the fixtures: the mock key (whole or its tail, as the client stores it) must not appear. */
function assertNoSecrets(): void {
  const needles = [MOCK_API_KEY, MOCK_API_KEY.slice(-20), 'sk-ant-'];
  for (const p of walk(outDir)) {
    const body = readFileSync(p, 'utf8');
    for (const n of needles)
      if (body.includes(n)) throw new Error(`${relative(repoRoot, p)} contains ${JSON.stringify(n)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// README
// ---------------------------------------------------------------------------------------------

function brief(c: ToolCall, ws: string, home: string, root = ws): string {
  const short = (p: unknown) =>
    typeof p === 'string'
      ? p.startsWith(`${ws}/`)
        ? p.slice(ws.length + 1)
        : p.startsWith(`${root}/`)
          ? relative(ws, p)
          : p.startsWith(`${home}/`)
            ? `$HOME/${p.slice(home.length + 1)}`
            : p
      : '?';
  const i = c.input;
  switch (c.name) {
    case 'Bash':
      return `Bash \`${String(i['command'])}\``;
    case 'Write':
    case 'Edit':
    case 'Read':
      return `${c.name} \`${short(i['file_path'])}\``;
    case 'Agent':
      return `Agent "${String(i['description'])}"`;
    case 'WebFetch':
      return `WebFetch \`${String(i['url'])}\``;
    case 'Grep':
      return `Grep \`${String(i['pattern'])}\` in \`${short(i['path'])}\``;
    default:
      return c.name;
  }
}

function oneLine(s: string, max = 240): string {
  const flat = s.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function transcriptFacts(t: Transcript, ws: string, home: string, root = ws, showResults = false): string[] {
  const calls = t.toolCalls;
  const types = new Map<string, number>();
  const attachments = new Map<string, number>();
  for (const r of t.records) {
    const k = r.type === 'system' && r.subtype ? `system/${r.subtype}` : (r.type ?? '?');
    types.set(k, (types.get(k) ?? 0) + 1);
    const a = r.type === 'attachment' ? (r as { attachment?: { type?: string } }).attachment?.type : undefined;
    if (a) attachments.set(a, (attachments.get(a) ?? 0) + 1);
  }
  const counts = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ×${v}`).join(', ');
  const out = [
    `${t.lineCount} lines, ${t.bytes} bytes (longest line ${t.longestLine} bytes); line types: ${counts(types)}${attachments.size > 0 ? `; attachments: ${counts(attachments)}` : ''}.`,
  ];
  const prompts = t.records
    .filter((r) => r.type === 'user' && r.isMeta !== true && r.isCompactSummary !== true)
    .flatMap((r) => (typeof r.message?.content === 'string' ? [r.message.content] : []))
    .filter((u) => !u.startsWith('<'));
  if (prompts.length > 0) out.push(`Prompts: ${prompts.map((u) => `\`${oneLine(u, 80)}\``).join(', ')}.`);
  const replies = t.assistantTexts;
  if (replies.length > 0)
    out.push(`Assistant texts (${replies.length}): ${replies.map((u) => `"${oneLine(u, 60)}"`).join(', ')}.`);
  if (calls.length > 0) {
    out.push(
      `Tool calls (${calls.length}): ${calls
        .map(
          (c) =>
            `${brief(c, ws, home, root)} → ${c.result ? (c.result.isError ? '**is_error**' : 'ok') : '**no result**'}`,
        )
        .join('; ')}.`,
    );
  }
  for (const c of calls.filter((c) => c.result && (showResults || c.result.isError))) {
    out.push(
      `${c.result!.isError ? 'is_error text' : 'Result text'} of ${brief(c, ws, home, root)}: \`${oneLine(c.result!.text, showResults ? 1000 : 240).replace(/`/g, "'")}\``,
    );
  }
  const interrupts = t.userTexts.filter((u) => u.startsWith('[Request interrupted'));
  for (const u of interrupts) out.push(`User interrupt line: \`${u}\``);
  const boundaries = t.count(isCompactBoundary);
  if (boundaries > 0)
    out.push(
      `Compaction: ${boundaries} \`system/compact_boundary\` line(s), ${t.count((r) => r.isCompactSummary === true)} \`isCompactSummary\` user line(s).`,
    );
  return out;
}

function writeReadme(manifest: Manifest): void {
  const rows: string[] = [];
  const sections: string[] = [];
  let total = 0;
  for (const s of scenarios) {
    const entry = manifest.scenarios[s.name];
    if (!entry) {
      sections.push(`### ${s.name}\n\n(not generated)\n`);
      continue;
    }
    const dir = join(outDir, s.name);
    const root =
      entry.root ??
      (s.cwd && entry.workspace.endsWith(`/${s.cwd}`)
        ? entry.workspace.slice(0, -(s.cwd.length + 1))
        : entry.workspace);
    const home = join(dirname(root), 'home');
    const rec = recorded(dir, entry.sessions, entry.workspace, home, root);
    const lines: string[] = [
      `### ${s.name}`,
      '',
      s.describes,
      '',
      `Workspace (cwd in the transcripts): \`${entry.workspace}\`.`,
      '',
      ...(entry.disk ? [diskLine(entry.disk), ''] : []),
      ...(entry.commits ? [commitsLine(entry.commits), ''] : []),
      'Driven as:',
      '',
      '```',
      ...s.commands.map((c) =>
        s.clientArgs.length > 0 ? c.replace(/^claude /, `claude ${s.clientArgs.join(' ')} `) : c,
      ),
      '```',
      '',
      ...s.story.map((st) => `- ${st}`),
      '',
    ];
    rec.sessions.forEach((sess, i) => {
      const rel = `${s.name}/${sess.id}.jsonl`;
      rows.push(`| \`${rel}\` | ${s.name} #${i} main | ${sess.main.lineCount} | ${sess.main.bytes} |`);
      total += sess.main.bytes;
      lines.push(
        `Session ${i} — \`${rel}\`:`,
        '',
        ...transcriptFacts(sess.main, entry.workspace, home, root, s.showResults).map((f) => `- ${f}`),
      );
      for (const a of sess.subagents) {
        const arel = relative(outDir, a.path);
        rows.push(`| \`${arel}\` | ${s.name} #${i} subagent | ${a.lineCount} | ${a.bytes} |`);
        total += a.bytes;
        lines.push(
          `- Subagent \`${arel}\`: ${transcriptFacts(a, entry.workspace, home, root, s.showResults).join(' ')}`,
        );
      }
      for (const o of sess.other) {
        const size = statSync(join(outDir, s.name, o)).size;
        rows.push(`| \`${s.name}/${o}\` | ${s.name} #${i} subagent metadata | – | ${size} |`);
        total += size;
        lines.push(`- Beside it: \`${s.name}/${o}\` = \`${oneLine(readFileSync(join(outDir, s.name, o), 'utf8'))}\``);
      }
      lines.push('');
    });
    sections.push(lines.join('\n'));
  }
  const text = `# Claude Code transcript fixtures

Real transcripts written by the real Claude Code client — **not** hand-written and not copied from
anywhere. Re-record them with

\`\`\`
node --import tsx scripts/make-claude-fixtures.ts [scenario ...]
\`\`\`

which installs (once, outside the repository, in the e2e cache \`~/.cache/shiplog-e2e/claude-<version>\`,
\`$SHIPLOG_E2E_CACHE\`) and runs Claude Code **${manifest.client}** (\`${CLIENTS.claude.pkg}\`, the version pinned in
\`test/e2e/clients.ts\`) fully offline against the scripted loopback mock of the Anthropic Messages API in
\`test/e2e/mock-messages.ts\`, through the drivers in \`test/e2e/claude-driver.ts\`. Each scenario gets a
throwaway \`HOME\` (the client's config and transcripts in \`<home>/.claude\`) and a git workspace with a
first commit (\`README.md\` plus the scenario's files; \`no-git\`: a plain folder; \`subfolder\`: the client runs
in a folder inside it), under one \`mkdtemp\` folder, \`TZ=UTC\`, model
\`${MODEL}\`, \`--permission-mode acceptEdits --allowedTools Bash Write Edit Read Agent\` unless said otherwise. shiplog is
not installed in those runs: no hooks, only the client's own files.

Size: ${manifest.client} starts every session by recording its whole system prompt and tool list (\`attachment\`
\`prompt_snapshot\`, ~70 KB, twice, and again after a compaction) and the request shape (\`api-request-shape\`,
~60–80 KB): ~250 KB per session before anything happens. To keep the set small, every run passes the
client's own \`--tools <the built-in tools the scenario uses>\` (the default set adds ~15 tools with long
descriptions), and every scenario except \`build\` passes \`--system-prompt-snapshot off\`; \`build\` keeps the
snapshot, so \`prompt_snapshot\` lines (before and after its compaction) are covered.

The files are copied byte for byte from \`<home>/.claude/projects/<project>/\`: \`<scenario>/<session-id>.jsonl\`
for main transcripts and \`<scenario>/<session-id>/subagents/agent-*.jsonl\` (plus \`*.meta.json\`) for
subagents. \`fixtures.json\` lists each scenario's sessions in order of start and the workspace path the
transcripts record; \`test/claude-fixtures.ts\` reads it (\`claudeFixture(scenario, index)\`,
\`claudeFixtureWorkspace(scenario)\`, \`claudeFixtureDisk(scenario)\`, \`claudeFixtures()\`). They hold the client's real ids, timestamps and
absolute temp paths (\`/tmp/shiplog-claude-fixtures-*/<scenario>/ws\`); re-recording changes all of those.
The script checks every fact claimed below on the recorded files (and the workspace) and fails when the
client did not produce it; it also checks that the mock API key does not appear in any file.

What happened on disk: the script snapshots the scenario's repository root (the git top level, the
workspace; \`subfolder\`'s cwd is inside it; \`no-git\`: the plain folder) right before the first client run
(after its setup and initial commit) and right after the last one: every regular file's sha256, \`.git/\`
excluded. \`fixtures.json\` records per scenario that \`"root"\` (absolute) and \`"disk": { "created", "modified", "deleted" }\` (sorted
posix paths relative to it), \`"tracked"\` (\`git ls-files\` at the start; \`[]\` for \`no-git\`) and
\`"before"\` (the text of every file at the start, so a test can rebuild the starting repository; the script
refuses more than 64 KiB). That is the truth touched-file claims are measured against; files written outside
the root (the refused Write in \`$HOME\` of \`failures\`) are not part of it. \`"commits"\` lists the commits
made between the two snapshots, oldest first, each \`{ "hash", "at", "subject" }\` (\`git log --reverse
--format=%H%x1f%cI%x1f%s <start HEAD>..HEAD\`: full hash, committer date in strict ISO 8601, subject; \`[]\`
for \`no-git\`): a session that commits with \`git commit -q\` prints no hash, and shiplog finds such a
commit in the repository by subject and time, so a test replays these commits (same subject and date; the
hash differs) into the rebuilt repository. Each scenario below has an "On disk" line and a "Commits" line
with it.

| file | what | lines | bytes |
|---|---|---|---|
${rows.join('\n')}

Total: ${total} bytes of transcripts.

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
  const { bin, version } = await ensureClient('claude', (l) => console.log(l));
  console.log(`Claude Code ${version}: ${bin}`);
  const tmpRoot = mkdtempSync(join(tmpdir(), 'shiplog-claude-fixtures-'));
  const keep = process.env['SHIPLOG_KEEP_TMP'] === '1';
  const cleanup = (): void => {
    if (!keep) rmSync(tmpRoot, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      cleanup();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  const failures: string[] = [];
  try {
    mkdirSync(outDir, { recursive: true });
    const manifest = readManifest(version);
    if (manifest.client !== version) {
      if (selected.length !== scenarios.length)
        throw new Error(
          `fixtures.json was recorded with Claude Code ${manifest.client}; re-record every scenario with ${version}`,
        );
      manifest.scenarios = {};
    }
    manifest.client = version;
    for (const s of selected) {
      try {
        const r = await runScenario(s, bin, tmpRoot);
        // Replace the scenario's folder only once everything checked out.
        const dest = join(outDir, s.name);
        rmSync(dest, { recursive: true, force: true });
        renameOrCopy(r.stage, dest);
        manifest.scenarios[s.name] = {
          sessions: r.sessions,
          workspace: r.workspace,
          describes: s.describes,
          root: r.root,
          ...r.truth,
        };
        console.log(`  ${diskLine(r.truth.disk)}`);
        console.log(`  ${commitsLine(r.truth.commits)}`);
        for (const p of walk(dest)) console.log(`  wrote ${relative(repoRoot, p)} (${statSync(p).size} bytes)`);
      } catch (err) {
        failures.push(s.name);
        console.error(`  [${s.name}] FAILED: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const ordered: Manifest = { client: manifest.client, scenarios: {} };
    for (const s of scenarios) if (manifest.scenarios[s.name]) ordered.scenarios[s.name] = manifest.scenarios[s.name]!;
    writeFileSync(manifestPath, `${JSON.stringify(ordered, null, 2)}\n`);
    writeReadme(ordered);
    assertNoSecrets();
    const total = walk(outDir).reduce((n, p) => n + statSync(p).size, 0);
    if (total > MAX_TOTAL_BYTES)
      throw new Error(`the fixture set is ${total} bytes, over the ${MAX_TOTAL_BYTES} budget`);
    console.log(`fixture set: ${total} bytes`);
  } finally {
    if (keep) console.log(`kept temp dir ${tmpRoot}`);
    cleanup();
  }
  if (failures.length > 0) {
    console.error(`failed scenarios: ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

/** The stage is in /tmp, usually another file system than the repository. */
function renameOrCopy(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    for (const p of walk(from)) {
      const dest = join(to, relative(from, p));
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(p, dest);
    }
  }
}

await main();
