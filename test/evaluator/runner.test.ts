import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { LLM_FIELDS_JSON_SCHEMA } from '../../src/evaluator/fields.js';
import { evaluateWindow } from '../../src/evaluator/evaluate.js';
import { EVALUATOR_SYSTEM_PROMPT, evaluatorPrompt } from '../../src/evaluator/prompt.js';
import type { EvaluatorSettings } from '../../src/evaluator/result.js';
import { cleanup, tempDir } from '../helpers.js';
import { eventually, groupMembers, killRecorded, recordedPids, running, withinBound } from '../process-groups.js';
import { fakeCalls, fakeEnv } from './fake-env.js';

/**
 * The evaluator runner against fake `claude` and `codex` executables on PATH: what each CLI is
 * given (arguments, environment, stdin, folder), and what each kind of answer turns into.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const DIGESTS = {
  full: `Project: demo\n${'[tool] edited src/upload.ts\n'.repeat(200)}`,
  budget: 'Project: demo\n[tool] edited src/upload.ts\n',
};

function settings(env: NodeJS.ProcessEnv, over: Partial<EvaluatorSettings> = {}): EvaluatorSettings {
  return { model: undefined, claudeThinkingTokens: undefined, codexConfig: [], timeoutMs: 30_000, env, ...over };
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  // Killed but not reaped yet (its parent died too): a zombie runs nothing.
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

describe('evaluator runner (fake CLIs)', () => {
  const root = tempDir('shiplog-eval-');
  const pidFiles: string[] = [];
  after(() => {
    for (const f of pidFiles) killRecorded(f);
    cleanup(root);
  });
  let n = 0;
  const box = () => {
    const dir = join(root, String(n++));
    mkdirSync(join(dir, 'home'), { recursive: true });
    return dir;
  };
  /** The fake CLIs of fakeEnv, behind test/evaluator/fake-stuck-cli.mjs (a helper that holds stdout). */
  const stuckEnv = (dir: string, stuck: 'answer' | 'stubborn', name: string) => {
    const pids = join(dir, 'pids');
    pidFiles.push(pids);
    const env = fakeEnv(dir, 'ok', { FAKE_PIDS: pids, FAKE_STUCK: stuck, FAKE_CLI_MAIN: join(HERE, 'fake-cli.mjs') });
    copyFileSync(join(HERE, 'fake-stuck-cli.mjs'), join(dir, 'bin', name));
    return env;
  };
  /** The stubborn CLIs' own pids: each call records its helper, then itself. */
  const stubbornPids = (file: string) => recordedPids(file).filter((_, i) => i % 2 === 1);

  for (const name of ['claude', 'codex'] as const) {
    it(`${name}: success gives the validated fields from one call`, async () => {
      const dir = box();
      const env = fakeEnv(dir, 'ok');
      const ev = await evaluateWindow(name, name, DIGESTS, settings(env));
      assert.equal(ev.calls, 1);
      assert.ok(ev.result.ok);
      assert.equal(ev.result.fields.summary, 'Added retry handling to the uploader.');
      assert.deepEqual(ev.result.fields.tags, ['uploader', 'typescript']);
      const [call] = fakeCalls(env.FAKE_LOG as string);
      assert.ok(call);
      assert.ok(call.stdin.includes(evaluatorPrompt(DIGESTS.full)), 'the prompt with the full digest on stdin');
      assert.equal(call.env.SHIPLOG_INTERNAL, '1');
      assert.ok(!existsSync(call.cwd), `its working folder ${call.cwd} is removed afterwards`);
    });

    it(`${name}: runs detached from the agent session whose hook started the worker`, async () => {
      const dir = box();
      const session = {
        CLAUDECODE: '1',
        CLAUDE_CODE_CHILD_SESSION: '1',
        CLAUDE_CODE_ENTRYPOINT: 'cli',
        CLAUDE_CODE_SESSION_ID: 'abc',
        CLAUDE_PID: '1',
        CLAUDE_PROJECT_DIR: '/p',
        CLAUDE_CODE_MESSAGING_SOCKET: '/tmp/s',
        CLAUDE_CODE_MESSAGING_TOKEN: 't',
      };
      const env = fakeEnv(dir, 'ok', { ...session, CLAUDE_CONFIG_DIR: join(dir, 'home', '.claude') });
      await evaluateWindow(name, name, DIGESTS, settings(env));
      assert.deepEqual(
        fakeCalls(env.FAKE_LOG as string)[0]?.session,
        ['CLAUDE_CONFIG_DIR'],
        'only the user setting is left',
      );
    });

    it(`${name}: malformed output is a failure of its own, with no second call`, async () => {
      const dir = box();
      const env = fakeEnv(dir, 'malformed');
      const ev = await evaluateWindow(name, name, DIGESTS, settings(env));
      assert.equal(ev.calls, 1);
      assert.ok(!ev.result.ok);
      assert.equal(ev.result.kind, 'malformed');
      assert.match(ev.result.message, /not a valid entry/);
    });

    it(`${name}: a context overflow is retried once with the budget digest`, async () => {
      const dir = box();
      const env = fakeEnv(dir, 'overflow,ok');
      const ev = await evaluateWindow(name, name, DIGESTS, settings(env));
      assert.ok(ev.result.ok);
      assert.equal(ev.calls, 2);
      assert.equal(ev.usedBudget, true);
      const calls = fakeCalls(env.FAKE_LOG as string);
      assert.equal(calls.length, 2);
      assert.ok(calls[0]?.stdin.includes(DIGESTS.full));
      assert.ok(calls[1]?.stdin.includes(evaluatorPrompt(DIGESTS.budget)));
      assert.ok((calls[1]?.stdin.length ?? 0) < (calls[0]?.stdin.length ?? 0));
    });

    it(`${name}: overflow twice fails as an overflow after two calls`, async () => {
      const dir = box();
      const env = fakeEnv(dir, 'overflow');
      const ev = await evaluateWindow(name, name, DIGESTS, settings(env));
      assert.equal(ev.calls, 2);
      assert.ok(!ev.result.ok && ev.result.kind === 'overflow');
    });

    it(`${name}: an authentication error is reported as auth, not retried`, async () => {
      const dir = box();
      const env = fakeEnv(dir, 'auth');
      const ev = await evaluateWindow(name, name, DIGESTS, settings(env));
      assert.equal(ev.calls, 1);
      assert.ok(!ev.result.ok && ev.result.kind === 'auth', JSON.stringify(ev.result));
    });

    it(`${name}: a usage or rate limit is reported as rate_limit, not retried`, async () => {
      const dir = box();
      const env = fakeEnv(dir, '429');
      const ev = await evaluateWindow(name, name, DIGESTS, settings(env));
      assert.equal(ev.calls, 1);
      assert.ok(!ev.result.ok && ev.result.kind === 'rate_limit', JSON.stringify(ev.result));
    });

    it(`${name}: a timeout kills the whole process group (no orphan left), then the budget digest is tried`, async () => {
      const dir = box();
      const pids = join(dir, 'pids');
      const env = fakeEnv(dir, 'hang', { FAKE_PIDS: pids });
      const ev = await evaluateWindow(name, name, DIGESTS, settings(env, { timeoutMs: 800 }));
      assert.ok(!ev.result.ok && ev.result.kind === 'timeout');
      assert.equal(ev.calls, 2);
      const all = readFileSync(pids, 'utf8').trim().split(/\s+/).map(Number);
      assert.equal(all.length, 4, 'two calls, each a CLI and its helper');
      // SIGKILLed as a group at the deadline; on a loaded machine a killed process can take a
      // moment to be torn down, so wait for it to go (bounded) rather than look once.
      await eventually(() => all.every(gone));
      for (const pid of all) assert.ok(gone(pid), `process ${pid} is still running`);
    });

    it(`${name}: a helper (setsid) holding the CLI's stdout does not hold up its answer`, async () => {
      const dir = box();
      const env = stuckEnv(dir, 'answer', name);
      const ev = await withinBound(evaluateWindow(name, name, DIGESTS, settings(env, { timeoutMs: 30_000 })));
      assert.ok(ev.result.ok, JSON.stringify(ev.result));
      assert.equal(ev.calls, 1);
      const [helper] = recordedPids(env.FAKE_PIDS as string);
      assert.ok(helper !== undefined && running(helper), 'the helper still held the output when the answer was read');
    });

    it(`${name}: a CLI that ignores SIGTERM, whose helper (setsid) holds its stdout, is SIGKILLed and given up at the deadline`, async () => {
      const dir = box();
      const env = stuckEnv(dir, 'stubborn', name);
      const ev = await withinBound(evaluateWindow(name, name, DIGESTS, settings(env, { timeoutMs: 800 })));
      assert.ok(!ev.result.ok && ev.result.kind === 'timeout', JSON.stringify(ev.result));
      assert.equal(ev.calls, 2, 'the budget digest is tried after the timeout');
      const clis = stubbornPids(env.FAKE_PIDS as string);
      assert.equal(clis.length, 2, 'two calls, each a stubborn CLI');
      for (const pid of clis)
        assert.ok(
          await eventually(() => !running(pid) && groupMembers(pid).length === 0),
          `CLI ${pid} or its group outlived the deadline`,
        );
    });

    it(`${name}: a CLI that is not installed is reported as not_found`, async () => {
      const dir = box();
      const env = { ...fakeEnv(dir, 'ok'), PATH: '/nonexistent' };
      const ev = await evaluateWindow(name, join(dir, 'no-such-bin', name), DIGESTS, settings(env));
      assert.ok(!ev.result.ok && ev.result.kind === 'not_found', JSON.stringify(ev.result));
    });
  }

  it('claude: the exact arguments and environment', async () => {
    const dir = box();
    const env = fakeEnv(dir, 'ok', { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
    await evaluateWindow('claude', 'claude', DIGESTS, settings(env, { model: 'opus', claudeThinkingTokens: 2048 }));
    const [call] = fakeCalls(env.FAKE_LOG as string);
    assert.deepEqual(call?.args, [
      '--print',
      '--output-format',
      'json',
      '--json-schema',
      JSON.stringify(LLM_FIELDS_JSON_SCHEMA),
      '--no-session-persistence',
      '--setting-sources',
      '',
      '--strict-mcp-config',
      '--tools',
      '',
      '--system-prompt',
      EVALUATOR_SYSTEM_PROMPT,
      '--model',
      'opus',
    ]);
    assert.equal(call?.env.MAX_THINKING_TOKENS, '2048');
    assert.equal(call?.env.SHIPLOG_INTERNAL, '1');
    assert.equal(call?.stdin, evaluatorPrompt(DIGESTS.full));
  });

  it("codex: the model's own words about limits or logins are not an error report (no pause)", async () => {
    const dir = box();
    const env = fakeEnv(dir, 'chatty');
    const ev = await evaluateWindow('codex', 'codex', DIGESTS, settings(env));
    assert.ok(!ev.result.ok);
    assert.equal(ev.result.kind, 'malformed');
  });

  it("codex: a login refreshed during the run goes back to the user's auth.json (refresh tokens are single-use)", async () => {
    const dir = box();
    const userHome = join(dir, 'home', '.codex');
    mkdirSync(userHome, { recursive: true });
    writeFileSync(join(userHome, 'auth.json'), '{"tokens":{"refresh_token":"rt-old"}}', { mode: 0o600 });
    const env = fakeEnv(dir, 'refresh', { CODEX_HOME: userHome });
    const ev = await evaluateWindow('codex', 'codex', DIGESTS, settings(env));
    assert.ok(ev.result.ok);
    assert.equal(readFileSync(join(userHome, 'auth.json'), 'utf8'), '{"tokens":{"refresh_token":"rt-new"}}');
    assert.equal(statSync(join(userHome, 'auth.json')).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(userHome), ['auth.json'], 'no temporary file left beside it');
  });

  it('codex: the write-back uses a temporary name of its own (concurrent evaluations of one backfill share a pid)', async () => {
    const dir = box();
    const userHome = join(dir, 'home', '.codex');
    mkdirSync(userHome, { recursive: true });
    writeFileSync(join(userHome, 'auth.json'), '{"tokens":{"refresh_token":"rt-old"}}', { mode: 0o600 });
    // What another evaluation of this process would be writing at this moment under a pid-only name.
    writeFileSync(join(userHome, `.auth.json.shiplog-${process.pid}`), 'in flight');
    const env = fakeEnv(dir, 'refresh', { CODEX_HOME: userHome });
    const ev = await evaluateWindow('codex', 'codex', DIGESTS, settings(env));
    assert.ok(ev.result.ok, JSON.stringify(ev.result));
    assert.equal(readFileSync(join(userHome, 'auth.json'), 'utf8'), '{"tokens":{"refresh_token":"rt-new"}}');
  });

  it('codex: the exact arguments, and a throwaway CODEX_HOME holding only auth.json (0600), removed afterwards', async () => {
    const dir = box();
    const userHome = join(dir, 'user-codex');
    mkdirSync(userHome);
    writeFileSync(join(userHome, 'auth.json'), '{"OPENAI_API_KEY":"sk-test"}');
    writeFileSync(join(userHome, 'config.toml'), 'notify = ["x"]\n');
    const env = fakeEnv(dir, 'ok', { CODEX_HOME: userHome });
    await evaluateWindow(
      'codex',
      'codex',
      DIGESTS,
      settings(env, { model: 'gpt-5.5', codexConfig: ['model_reasoning_effort="high"'] }),
    );
    const [call] = fakeCalls(env.FAKE_LOG as string);
    assert.ok(call);
    const at = (flag: string) => call.args[call.args.indexOf(flag) + 1] as string;
    assert.deepEqual(call.args, [
      'exec',
      '--json',
      '--output-schema',
      at('--output-schema'),
      '--output-last-message',
      at('--output-last-message'),
      '--sandbox',
      'read-only',
      '--skip-git-repo-check',
      '-C',
      call.cwd,
      '-m',
      'gpt-5.5',
      '-c',
      'model_reasoning_effort="high"',
      '-',
    ]);
    assert.deepEqual(JSON.parse(call.schema ?? ''), LLM_FIELDS_JSON_SCHEMA);
    assert.deepEqual(call.codexHome, [{ f: 'auth.json', mode: '600', text: '{"OPENAI_API_KEY":"sk-test"}' }]);
    assert.notEqual(call.env.CODEX_HOME, userHome);
    assert.equal(call.env.SHIPLOG_INTERNAL, '1');
    assert.ok(!existsSync(call.env.CODEX_HOME as string), 'the throwaway CODEX_HOME is removed');
    assert.ok(!existsSync(at('--output-schema')));
    assert.ok(call.stdin.endsWith(evaluatorPrompt(DIGESTS.full)));
    rmSync(userHome, { recursive: true });
  });
});
