import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { claudeConfigDir } from './paths.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { jsonIn, quotedLine } from '../../evaluator/answer-text.js';
import { classifyStatus, classifyText } from '../../evaluator/classify.js';
import { LLM_FIELDS_JSON_SCHEMA, LlmFields } from '../../evaluator/fields.js';
import { EVALUATOR_SYSTEM_PROMPT } from '../../evaluator/prompt.js';
import { detachedEnv, tail, type EvalResult, type EvaluatorSettings } from '../../evaluator/result.js';
import { trackDir } from '../../evaluator/leftovers.js';
import { runCli, type CliRun } from '../../evaluator/run-cli.js';

/**
 * `claude --print` as the evaluator: prompt on stdin, structured output through `--json-schema`,
 * and nothing of the user's setup — no settings (so no hooks), no MCP servers, no tools, no
 * saved session. Runs in an empty folder so no CLAUDE.md of a project is read.
 */
function claudeArgs(s: Pick<EvaluatorSettings, 'model'>): string[] {
  return [
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
    ...(s.model ? ['--model', s.model] : []),
  ];
}

function claudeEnv(s: Pick<EvaluatorSettings, 'env' | 'claudeThinkingTokens'>): NodeJS.ProcessEnv {
  return {
    ...detachedEnv(s.env),
    SHIPLOG_INTERNAL: '1',
    ...(s.claudeThinkingTokens !== undefined && { MAX_THINKING_TOKENS: String(s.claudeThinkingTokens) }),
  };
}

/** The `--output-format json` result object; only the fields read here. */
const ClaudeResult = z.object({
  type: z.literal('result'),
  subtype: z.string().optional(),
  is_error: z.boolean().optional(),
  result: z.string().optional(),
  structured_output: z.unknown().optional(),
  api_error_status: z.number().nullable().optional(),
  terminal_reason: z.string().optional(),
});

export async function runClaude(bin: string, prompt: string, s: EvaluatorSettings): Promise<EvalResult> {
  const cwd = mkdtempSync(join(tmpdir(), 'shiplog-claude-'));
  const untrack = trackDir(cwd);
  try {
    const run = await runCli(bin, claudeArgs(s), { input: prompt, env: claudeEnv(s), cwd, timeoutMs: s.timeoutMs });
    return readClaude(run);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
    untrack();
  }
}

/** Pure: what a finished `claude --print` run amounts to. */
function readClaude(run: CliRun): EvalResult {
  const stderrTail = tail(run.stderr);
  if (run.spawnError)
    return { ok: false, kind: 'not_found', message: `claude could not be started: ${run.spawnError}`, stderrTail };
  if (run.timedOut)
    return {
      ok: false,
      kind: 'timeout',
      message: 'claude did not finish in time; its process group was killed',
      stderrTail,
    };
  const parsed = ClaudeResult.safeParse(lastJson(run.stdout));
  if (!parsed.success) {
    const text = `${run.stdout}\n${run.stderr}`;
    const kind = classifyText(text) ?? 'failed';
    const what =
      run.exitCode === 0 ? 'claude printed no result object' : `claude exited with ${run.exitCode ?? run.signal}`;
    return {
      ok: false,
      kind: kind === 'failed' && run.exitCode === 0 ? 'malformed' : kind,
      message: `${what}: ${quotedLine(text)}`,
      stderrTail: tail(text),
    };
  }
  const r = parsed.data;
  if (r.is_error || run.exitCode !== 0) {
    const text = r.result ?? run.stderr;
    const kind =
      classifyStatus(r.api_error_status) ??
      (r.terminal_reason === 'prompt_too_long' ? 'overflow' : null) ??
      classifyText(text) ??
      'failed';
    return { ok: false, kind, message: `claude: ${quotedLine(text) || r.subtype || 'error'}`, stderrTail };
  }
  let candidate = r.structured_output;
  if (candidate === undefined && r.result !== undefined) candidate = jsonIn(r.result);
  const fields = LlmFields.safeParse(candidate);
  if (!fields.success)
    return {
      ok: false,
      kind: 'malformed',
      message: `claude's answer is not a valid entry: ${z.prettifyError(fields.error).split('\n').slice(0, 4).join('; ')}`,
      stderrTail: tail(r.result ?? ''),
    };
  return { ok: true, fields: fields.data };
}

/** The last line of stdout that is a JSON object (warnings may come first). */
function lastJson(stdout: string): unknown {
  const lines = stdout.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]?.trim() ?? '';
    if (!l.startsWith('{')) continue;
    try {
      return JSON.parse(l);
    } catch {
      // Not a whole object on this line: look further up.
    }
  }
  return undefined;
}

/** Claude Code's login: an API key or token in the environment, or its credentials file. */
export function claudeLoggedIn(env: NodeJS.ProcessEnv): boolean {
  if (env.ANTHROPIC_API_KEY || env.ANTHROPIC_AUTH_TOKEN || env.CLAUDE_CODE_OAUTH_TOKEN) return true;
  return existsSync(join(claudeConfigDir(env), '.credentials.json'));
}
