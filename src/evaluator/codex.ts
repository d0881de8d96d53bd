import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { codexHome } from '../install/agents.js';
import { firstLine, jsonIn } from './claude.js';
import { classifyText } from './classify.js';
import { LLM_FIELDS_JSON_SCHEMA, LlmFields } from './fields.js';
import { EVALUATOR_SYSTEM_PROMPT } from './prompt.js';
import { detachedEnv, tail, type EvalResult, type EvaluatorSettings } from './result.js';
import { runCli, type CliRun } from './run-cli.js';

/**
 * `codex exec` as the evaluator, in a throwaway CODEX_HOME that holds only a copy of the
 * user's auth.json (0600): no config (so no hooks, no notify, no MCP servers), no rollout left
 * in the user's sessions, no project trust touched. The folder is removed afterwards.
 * `changelog.codex_config` passes `-c` overrides (a custom model provider, say).
 */
export interface CodexPaths {
  home: string;
  schema: string;
  lastMessage: string;
  workdir: string;
}

export function codexArgs(p: CodexPaths, s: Pick<EvaluatorSettings, 'model' | 'codexConfig'>): string[] {
  return [
    'exec',
    '--json',
    '--output-schema', p.schema,
    '--output-last-message', p.lastMessage,
    '--sandbox', 'read-only',
    '--skip-git-repo-check',
    '-C', p.workdir,
    ...(s.model ? ['-m', s.model] : []),
    ...s.codexConfig.flatMap((c) => ['-c', c]),
    '-',
  ];
}

export function codexEnv(p: CodexPaths, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...detachedEnv(env), CODEX_HOME: p.home, SHIPLOG_INTERNAL: '1' };
}

export async function runCodex(bin: string, prompt: string, s: EvaluatorSettings): Promise<EvalResult> {
  const root = mkdtempSync(join(tmpdir(), 'shiplog-codex-'));
  try {
    const p = preparePaths(root, codexHome(s.env));
    const run = await runCli(bin, codexArgs(p, s), { input: `${EVALUATOR_SYSTEM_PROMPT}\n\n${prompt}`, env: codexEnv(p, s.env), cwd: p.workdir, timeoutMs: s.timeoutMs });
    const last = existsSync(p.lastMessage) ? readFileSync(p.lastMessage, 'utf8') : null;
    return readCodex(run, last);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function preparePaths(root: string, userHome: string): CodexPaths {
  const p: CodexPaths = { home: join(root, 'home'), schema: join(root, 'schema.json'), lastMessage: join(root, 'last-message.txt'), workdir: join(root, 'work') };
  mkdirSync(p.home, { mode: 0o700 });
  mkdirSync(p.workdir, { mode: 0o700 });
  const auth = join(userHome, 'auth.json');
  if (existsSync(auth)) {
    writeFileSync(join(p.home, 'auth.json'), readFileSync(auth), { mode: 0o600, flag: 'wx' });
    chmodSync(join(p.home, 'auth.json'), 0o600);
  }
  writeFileSync(p.schema, JSON.stringify(LLM_FIELDS_JSON_SCHEMA));
  return p;
}

/** `codex exec --json` events that carry a failure. */
const ErrorEvent = z.union([
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({ type: z.literal('turn.failed'), error: z.object({ message: z.string() }) }),
]);

/** Pure: what a finished `codex exec` run amounts to, given the last message it wrote. */
export function readCodex(run: CliRun, lastMessage: string | null): EvalResult {
  const stderrTail = tail(run.stderr);
  if (run.spawnError) return { ok: false, kind: 'not_found', message: `codex could not be started: ${run.spawnError}`, stderrTail };
  if (run.timedOut) return { ok: false, kind: 'timeout', message: 'codex did not finish in time; its process group was killed', stderrTail };
  if (run.exitCode !== 0 || lastMessage === null || lastMessage.trim() === '') {
    const errors = eventErrors(run.stdout);
    const text = [...errors, run.stderr, errors.length ? '' : run.stdout].join('\n');
    const kind = classifyText(text) ?? (run.exitCode === 0 ? 'malformed' : 'failed');
    const what = run.exitCode === 0 ? 'codex wrote no last message' : `codex exited with ${run.exitCode ?? run.signal}`;
    return { ok: false, kind, message: `${what}: ${firstLine(errors[0] ?? run.stderr) || 'no error message'}`, stderrTail: tail(text) };
  }
  const fields = LlmFields.safeParse(jsonIn(lastMessage));
  if (!fields.success) return { ok: false, kind: 'malformed', message: `codex's answer is not a valid entry: ${z.prettifyError(fields.error).split('\n').slice(0, 4).join('; ')}`, stderrTail: tail(lastMessage) };
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
