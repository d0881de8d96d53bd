import { z } from 'zod';
import type { AgentEvent, FileChange } from '../../events.js';
import { clipEnd, tail } from '../../adapters/common/clip.js';
import { oneLine } from '../../kit/text-lines.js';
import { withoutUndefined } from '../../adapters/common/events.js';
import {
  ACTION_MAX_CHARS,
  ACTION_PART_CHARS,
  MAX_NAME_CHARS,
  OUTPUT_TAIL_CHARS,
} from '../../adapters/common/limits.js';
import { exitOutcome, firstMatch, HEAD_CHARS, type Classified, type TextRule } from '../../adapters/common/outcome.js';
import { repoPath, type PathBase } from '../../adapters/common/paths.js';
import { summarizeCommand, type ToolSummary } from '../../adapters/common/shell.js';
import { resultText, type ToolCall } from './records.js';

/** Gemini CLI's built-in tools (docs/gemini-cli.md): what each call did, and how it ended. */

const FileArgs = z.looseObject({ file_path: z.string() });
const ShellArgs = z.looseObject({ command: z.string() });
const SearchArgs = z.looseObject({ pattern: z.string(), dir_path: z.string().optional().catch(undefined) });

function summarize(name: string, args: unknown, base: PathBase): ToolSummary {
  const used: ToolSummary = { action: `used ${name}`, files: [] };
  if (name === 'write_file' || name === 'replace' || name === 'read_file') {
    const parsed = FileArgs.safeParse(args);
    if (!parsed.success) return used;
    const path = repoPath(parsed.data.file_path, base);
    const read = name === 'read_file';
    // A write stays `modified` here; its result says whether it created the file.
    return {
      action: `${read ? 'read' : 'edited'} ${clipEnd(path, ACTION_PART_CHARS)}`,
      files: [{ path, op: read ? 'read' : 'modified' }],
    };
  }
  if (name === 'run_shell_command') {
    const parsed = ShellArgs.safeParse(args);
    return parsed.success ? summarizeCommand(parsed.data.command, base) : used;
  }
  if (name === 'grep_search' || name === 'glob' || name === 'search_file_content') {
    const parsed = SearchArgs.safeParse(args);
    if (!parsed.success) return used;
    const where = parsed.data.dir_path ? repoPath(parsed.data.dir_path, base) : '.';
    return {
      action: `searched for ${clipEnd(oneLine(parsed.data.pattern), ACTION_PART_CHARS)}${where === '.' ? '' : ` in ${clipEnd(where, ACTION_PART_CHARS)}`}`,
      files: [],
    };
  }
  return used;
}

/**
 * How a completed call ended. The CLI records a call once it is done: `success`, `error` (the
 * tool failed or refused), or `cancelled`. A shell command that exits non-zero is a `success`
 * of the tool whose output ends with `Exit Code: N`.
 */
function classify(call: ToolCall, output: string | undefined, error: string | undefined): Classified | undefined {
  if (call.status === 'cancelled') return { outcome: 'interrupted', reason: 'cancelled' };
  if (call.status === 'error')
    return firstMatch((error ?? '').slice(0, HEAD_CHARS), ERROR_RULES) ?? { outcome: 'failed', reason: 'tool error' };
  if (call.status !== 'success') return { outcome: 'interrupted', reason: 'not finished' };
  if (call.name !== 'run_shell_command' || output === undefined) return undefined;
  const head = output.slice(0, HEAD_CHARS);
  if (/^Command was (?:automatically )?cancelled/.test(head)) return { outcome: 'interrupted', reason: 'cancelled' };
  const code = exitCodeOf(output);
  return code === undefined ? undefined : exitOutcome(code);
}

/** The shell tool's `Exit Code: N` line, present only for a non-zero exit. */
function exitCodeOf(output: string): number | undefined {
  const code = /(?:^|\n)Exit Code: (\d{1,3})(?:\n|$)/.exec(output.slice(-HEAD_CHARS))?.[1];
  return code === undefined ? undefined : Number(code);
}

/** The CLI's own wording of a call that failed (docs/gemini-cli.md, the `failed` fixture). */
const ERROR_RULES: readonly TextRule[] = [
  { test: /^Tool execution denied by policy/, outcome: 'refused', reason: 'denied by policy' },
  { test: /^Tool "[^"\n]{0,200}" not found/, outcome: 'refused', reason: 'no such tool' },
  { test: /^Could not find an exact match for 'old_string'/, outcome: 'failed', reason: 'old_string not found' },
];

const CREATED = /^Successfully created and wrote to new file: |^Created new file: /;

export function toolEvents(call: ToolCall, messageId: string, at: string | undefined, base: PathBase): AgentEvent[] {
  const tool = clipEnd(call.name, MAX_NAME_CHARS);
  const summary = summarize(tool, call.args, base);
  const events: AgentEvent[] = [
    withoutUndefined({
      kind: 'tool_call' as const,
      at,
      callId: call.id,
      messageId,
      tool,
      action: clipEnd(summary.action, ACTION_MAX_CHARS),
      files: summary.files,
      command: summary.command,
    }),
  ];
  // A call appears once it has completed; one without a status is not known to have run.
  const { output, error } = resultText(call.result);
  const outcome = classify(call, output, error);
  const files: FileChange[] | undefined =
    outcome === undefined && tool === 'write_file' && output !== undefined && CREATED.test(output)
      ? summary.files.map((f) => ({ ...f, op: 'created' as const }))
      : undefined;
  const shown = output ?? error;
  events.push(
    withoutUndefined({
      kind: 'tool_result' as const,
      at: call.timestamp ?? at,
      callId: call.id,
      isError: outcome !== undefined,
      outcome: outcome?.outcome,
      reason: outcome?.reason,
      exitCode:
        call.name === 'run_shell_command' && call.status === 'success' && output !== undefined
          ? (exitCodeOf(output) ?? 0)
          : undefined,
      output: shown === undefined ? undefined : tail(shown, OUTPUT_TAIL_CHARS),
      files,
    }),
  );
  return events;
}
