import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { codexHome } from './paths.js';
import { replaceFileAtomically } from '../../kit/atomic-write.js';
import { jsonIn, quotedLine } from '../../evaluator/answer-text.js';
import { classifyText } from '../../evaluator/classify.js';
import { LLM_FIELDS_JSON_SCHEMA, LlmFields } from '../../evaluator/fields.js';
import { EVALUATOR_SYSTEM_PROMPT } from '../../evaluator/prompt.js';
import { detachedEnv, tail, type EvalResult, type EvaluatorSettings } from '../../evaluator/result.js';
import { trackDir } from '../../evaluator/leftovers.js';
import { runCli, type CliRun } from '../../evaluator/run-cli.js';

/**
 * `codex exec` as the evaluator, in a throwaway CODEX_HOME that holds only a copy of the
 * user's auth.json (0600): no config (so no hooks, no notify, no MCP servers), no rollout left
 * in the user's sessions, no project trust touched. The folder is removed afterwards.
 * `changelog.codex_config` passes `-c` overrides (a custom model provider, say).
 */
interface CodexPaths {
  home: string;
  schema: string;
  lastMessage: string;
  workdir: string;
}

function codexArgs(p: CodexPaths, s: Pick<EvaluatorSettings, 'model' | 'codexConfig'>): string[] {
  return [
    'exec',
    '--json',
    '--output-schema',
    p.schema,
    '--output-last-message',
    p.lastMessage,
    '--sandbox',
    'read-only',
    '--skip-git-repo-check',
    '-C',
    p.workdir,
    ...(s.model ? ['-m', s.model] : []),
    ...s.codexConfig.flatMap((c) => ['-c', c]),
    '-',
  ];
}

function codexEnv(p: CodexPaths, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...detachedEnv(env), CODEX_HOME: p.home, SHIPLOG_INTERNAL: '1' };
}

export async function runCodex(bin: string, prompt: string, s: EvaluatorSettings): Promise<EvalResult> {
  const root = mkdtempSync(join(tmpdir(), 'shiplog-codex-'));
  const untrack = trackDir(root);
  try {
    const userHome = codexHome(s.env);
    const { paths: p, auth } = preparePaths(root, userHome);
    const run = await runCli(bin, codexArgs(p, s), {
      input: `${EVALUATOR_SYSTEM_PROMPT}\n\n${prompt}`,
      env: codexEnv(p, s.env),
      cwd: p.workdir,
      timeoutMs: s.timeoutMs,
    });
    if (auth) keepRefreshedLogin(p, auth, userHome);
    const last = existsSync(p.lastMessage) ? readFileSync(p.lastMessage, 'utf8') : null;
    return readCodex(run, last);
  } finally {
    rmSync(root, { recursive: true, force: true });
    untrack();
  }
}

/** The throwaway folders, and the user's auth.json as it was copied (null when there is none). */
function preparePaths(root: string, userHome: string): { paths: CodexPaths; auth: Buffer | null } {
  const p: CodexPaths = {
    home: join(root, 'home'),
    schema: join(root, 'schema.json'),
    lastMessage: join(root, 'last-message.txt'),
    workdir: join(root, 'work'),
  };
  let copied: Buffer | null = null;
  mkdirSync(p.home, { mode: 0o700 });
  mkdirSync(p.workdir, { mode: 0o700 });
  const auth = join(userHome, 'auth.json');
  if (existsSync(auth)) {
    copied = readFileSync(auth);
    writeFileSync(join(p.home, 'auth.json'), copied, { mode: 0o600, flag: 'wx' });
    chmodSync(join(p.home, 'auth.json'), 0o600);
  }
  writeFileSync(p.schema, JSON.stringify(LLM_FIELDS_JSON_SCHEMA));
  return { paths: p, auth: copied };
}

/**
 * A ChatGPT login's refresh token is single-use: when codex refreshed it inside the throwaway
 * home, the user's auth.json now holds a spent token, and their own codex would be logged out.
 * The new one goes back (atomically, 0600), unless the user's file changed during the run.
 */
function keepRefreshedLogin(p: CodexPaths, before: Buffer, userHome: string): void {
  const copy = join(p.home, 'auth.json');
  if (!existsSync(copy)) return;
  const after = readFileSync(copy);
  if (after.equals(before) || after.length === 0) return;
  const target = join(userHome, 'auth.json');
  if (!existsSync(target) || !readFileSync(target).equals(before)) return;
  replaceFileAtomically(target, after, { mode: 0o600 });
}

/** `codex exec --json` events that carry a failure. */
const ErrorEvent = z.union([
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('turn.failed'), error: z.object({ message: z.string() }) }),
]);

/** Pure: what a finished `codex exec` run amounts to, given the last message it wrote. */
function readCodex(run: CliRun, lastMessage: string | null): EvalResult {
  const stderrTail = tail(run.stderr);
  if (run.spawnError)
    return { ok: false, kind: 'not_found', message: `codex could not be started: ${run.spawnError}`, stderrTail };
  if (run.timedOut)
    return {
      ok: false,
      kind: 'timeout',
      message: 'codex did not finish in time; its process group was killed',
      stderrTail,
    };
  if (run.exitCode !== 0 || lastMessage === null || lastMessage.trim() === '') {
    const errors = eventErrors(run.stdout);
    // Only codex's own error reports decide the kind: the rest of stdout is the model talking
    // about the session, where "429" or "/login" must not pause every worker.
    const kind = classifyText([...errors, run.stderr].join('\n')) ?? (run.exitCode === 0 ? 'malformed' : 'failed');
    const text = [...errors, run.stderr, errors.length ? '' : run.stdout].join('\n');
    const what = run.exitCode === 0 ? 'codex wrote no last message' : `codex exited with ${run.exitCode ?? run.signal}`;
    return {
      ok: false,
      kind,
      message: `${what}: ${quotedLine(errors[0] ?? run.stderr) || 'no error message'}`,
      stderrTail: tail(text),
    };
  }
  const fields = LlmFields.safeParse(jsonIn(lastMessage));
  if (!fields.success)
    return {
      ok: false,
      kind: 'malformed',
      message: `codex's answer is not a valid entry: ${z.prettifyError(fields.error).split('\n').slice(0, 4).join('; ')}`,
      stderrTail: tail(lastMessage),
    };
  return { ok: true, fields: fields.data };
}

function eventErrors(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // A line that is not an event (a warning): not an error report.
      continue;
    }
    const e = ErrorEvent.safeParse(value);
    if (e.success) out.push(e.data.type === 'error' ? e.data.message : e.data.error.message);
  }
  return [...new Set(out)];
}

/** The evaluator's CODEX_HOME holds only auth.json, so that file (or an API key) is the login. */
export function codexLoggedIn(env: NodeJS.ProcessEnv): boolean {
  if (env.CODEX_API_KEY || env.OPENAI_API_KEY) return true;
  return existsSync(join(codexHome(env), 'auth.json'));
}
