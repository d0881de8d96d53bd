/**
 * Tool calls and their results. Commands (`exec_command`, `shell`, `shell_command`,
 * `local_shell_call`) become `ran …` (or `deleted` / `moved` for plain rm / mv); `apply_patch` in
 * all its shapes becomes one event per file it creates, edits, deletes or moves. Results come
 * from the call's output, or from `exec_command_end` / `patch_apply_end` / `item_completed`
 * records, whichever is first, with what became of the call when it did not succeed
 * (outcome.ts); a long-running command's exit code comes from the `write_stdin` poll that saw it
 * finish. `update_plan` (the task list) is bookkeeping and yields nothing. Code mode (`exec`
 * scripts) names its commands and patches only in `item_completed` items, whose ids join no call:
 * those items are the calls there.
 */

import type { z } from 'zod';
import type { FileChange } from '../../events.js';
import { clipEnd } from '../../adapters/common/clip.js';
import { oneLine } from '../../kit/text-lines.js';
import { withoutUndefined } from '../../adapters/common/events.js';
import { ACTION_MAX_CHARS, ACTION_PART_CHARS, MAX_ID_CHARS, MAX_NAME_CHARS } from '../../adapters/common/limits.js';
import { repoPath } from '../../adapters/common/paths.js';
import { summarizeCommand } from '../../adapters/common/shell.js';
import { type Draft, type LineInfo, pathBase } from './draft.js';
import { endPromptStretch } from './messages.js';
import type { Classified } from '../../adapters/common/outcome.js';
import { isBookkeepingTool } from '../../adapters/common/bookkeeping.js';
import { classifyCodexOutput, patchFailure } from './outcome.js';
import { outputText, readOutput, patchSucceeded } from './output.js';
import { changesOps, commandLine, patchFromArgv, patchOps, type PatchOp } from './patch.js';
import type { Changes, CompletedItem, ExecCommandEnd, PatchApplyEnd } from './records.js';
import { type Call, CALLS_CAP, pushBounded } from './state.js';
import { isRecord } from '../../kit/plain-object.js';

interface Summary {
  tool: string;
  action: string;
  files: FileChange[];
  command?: string;
}

const partId = (callId: string, i: number) => (i === 0 ? callId : `${callId}#${i}`);

function remember(draft: Draft, call: Call): void {
  draft.state = {
    ...draft.state,
    calls: pushBounded(
      draft.state.calls.filter((c) => c.id !== call.id),
      call,
      CALLS_CAP,
    ),
  };
}

function findCall(draft: Draft, id: string): Call | undefined {
  return draft.state.calls.find((c) => c.id === id);
}

/** Seen before, waiting or done: an echo of it is not a new call. */
function known(draft: Draft, id: string): boolean {
  return findCall(draft, id) !== undefined || draft.state.done.includes(id);
}

function emitCalls(draft: Draft, line: LineInfo, callId: string, kind: Call['kind'], summaries: Summary[]): void {
  if (callId.length > MAX_ID_CHARS || summaries.length === 0) return;
  endPromptStretch(draft);
  summaries.forEach((s, i) => {
    draft.events.push(
      withoutUndefined({
        kind: 'tool_call' as const,
        at: line.at,
        callId: partId(callId, i),
        tool: clipEnd(s.tool, MAX_NAME_CHARS),
        action: clipEnd(s.action, ACTION_MAX_CHARS),
        files: s.files,
        command: s.command,
        subagent: draft.subagent,
      }),
    );
  });
  remember(draft, { id: callId, kind, parts: summaries.length });
}

interface Result {
  /** What went wrong, if anything (outcome.ts); a result with an outcome is an error. */
  classified?: Classified | undefined;
  exitCode?: number | undefined;
  output?: string | undefined;
}

/** One tool_result per part of the call, once. */
function emitResult(draft: Draft, line: LineInfo, callId: string, result: Result): void {
  const call = findCall(draft, callId);
  if (!call) return;
  const { classified } = result;
  for (let i = 0; i < call.parts; i++) {
    draft.events.push(
      withoutUndefined({
        kind: 'tool_result' as const,
        at: line.at,
        callId: partId(callId, i),
        isError: classified !== undefined,
        outcome: classified?.outcome,
        reason: classified?.reason,
        exitCode: result.exitCode,
        output: result.output,
        subagent: draft.subagent,
      }),
    );
  }
  draft.state = {
    ...draft.state,
    calls: draft.state.calls.filter((c) => c !== call),
    done: pushBounded(draft.state.done, callId, CALLS_CAP),
  };
}

function commandSummary(draft: Draft, tool: string, command: string, workdir: string | undefined): Summary {
  return { tool, ...summarizeCommand(command, pathBase(draft, workdir)) };
}

function patchSummaries(draft: Draft, tool: string, ops: PatchOp[], workdir: string | undefined): Summary[] {
  const base = pathBase(draft, workdir);
  return ops.map((o) => {
    const path = repoPath(o.path, base);
    if (o.op === 'moved') {
      const from = repoPath(o.from, base);
      return {
        tool,
        action: `moved ${clipEnd(from, ACTION_PART_CHARS)} to ${clipEnd(path, ACTION_PART_CHARS)}`,
        files: [{ path, op: 'moved', from }],
      };
    }
    const verb = o.op === 'created' ? 'created' : o.op === 'deleted' ? 'deleted' : 'edited';
    return { tool, action: `${verb} ${clipEnd(path, ACTION_PART_CHARS)}`, files: [{ path, op: o.op }] };
  });
}

function parseArgs(raw: string | undefined): Record<string, unknown> | undefined {
  // Checked first because a thrown SyntaxError costs more than the parse (redacted corpora have thousands).
  if (raw === undefined || !raw.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return isRecord(value) ? value : undefined;
  } catch {
    // Redacted corpora and odd builds put non-JSON text here: the call is still counted as used.
    return undefined;
  }
}

const stringOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const argvOf = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((a) => typeof a === 'string') ? v : undefined;

/** A call whose command is an argv, run by `tool` in `workdir`. */
interface ArgvCall {
  callId: string;
  tool: string;
  argv: string[];
  workdir: string | undefined;
}

/** A command given as an argv: a patch (apply_patch / heredoc) or a shell line. */
function fromArgv(draft: Draft, line: LineInfo, { callId, tool, argv, workdir }: ArgvCall): void {
  const patch = patchFromArgv(argv);
  if (patch !== undefined)
    emitCalls(draft, line, callId, 'patch', patchSummaries(draft, tool, patchOps(patch), workdir));
  else emitCalls(draft, line, callId, 'exec', [commandSummary(draft, tool, commandLine(argv), workdir)]);
}

export function handleFunctionCall(
  draft: Draft,
  line: LineInfo,
  call: { name: string; arguments?: string | undefined; call_id: string },
): void {
  const args = parseArgs(call.arguments);
  const workdir = stringOf(args?.['workdir']);
  const name = call.name;
  if (name === 'exec_command' || name === 'shell_command') {
    const cmd = stringOf(args?.['cmd']) ?? stringOf(args?.['command']);
    if (cmd !== undefined)
      return emitCalls(draft, line, call.call_id, 'exec', [commandSummary(draft, name, cmd, workdir)]);
  } else if (name === 'shell' || name === 'container.exec') {
    const argv = argvOf(args?.['command']);
    if (argv !== undefined && argv.length > 0) {
      return fromArgv(draft, line, { callId: call.call_id, tool: name, argv, workdir });
    }
  } else if (name === 'apply_patch') {
    const input = stringOf(args?.['input']) ?? stringOf(args?.['patch']);
    if (input !== undefined)
      return emitCalls(draft, line, call.call_id, 'patch', patchSummaries(draft, name, patchOps(input), workdir));
  } else if (isBookkeepingTool(name)) {
    endPromptStretch(draft);
    return;
  } else if (name === 'write_stdin') {
    const session = args?.['session_id'];
    endPromptStretch(draft);
    if (typeof session === 'number' && Number.isInteger(session))
      remember(draft, { id: call.call_id, kind: 'stdin', parts: 1, target: session });
    return;
  }
  emitCalls(draft, line, call.call_id, 'other', [
    { tool: name, action: `used ${clipEnd(name, MAX_NAME_CHARS)}`, files: [] },
  ]);
}

export function handleCustomToolCall(
  draft: Draft,
  line: LineInfo,
  call: { name: string; input?: string | undefined; call_id: string },
): void {
  if (call.name === 'apply_patch' && call.input !== undefined) {
    return emitCalls(
      draft,
      line,
      call.call_id,
      'patch',
      patchSummaries(draft, call.name, patchOps(call.input), undefined),
    );
  }
  // Code mode's `exec` script: its commands and patches arrive as item_completed items.
  if (call.name === 'exec') {
    endPromptStretch(draft);
    return;
  }
  emitCalls(draft, line, call.call_id, 'other', [
    { tool: call.name, action: `used ${clipEnd(call.name, MAX_NAME_CHARS)}`, files: [] },
  ]);
}

export function handleLocalShellCall(
  draft: Draft,
  line: LineInfo,
  callId: string,
  argv: string[] | undefined,
  workdir: string | undefined,
): void {
  if (argv && argv.length > 0) fromArgv(draft, line, { callId, tool: 'local_shell', argv, workdir });
}

export function handleWebSearch(
  draft: Draft,
  line: LineInfo,
  id: string | undefined,
  action: { type?: string | undefined; query?: string | undefined; url?: string | undefined } | undefined,
): void {
  const what =
    action?.query !== undefined
      ? `searched the web for ${clipEnd(oneLine(action.query), ACTION_PART_CHARS)}`
      : action?.url !== undefined
        ? `opened ${clipEnd(action.url, ACTION_PART_CHARS)}`
        : 'searched the web';
  const callId = id ?? `web-search-${draft.state.seq + 1}`;
  if (id === undefined) draft.state = { ...draft.state, seq: draft.state.seq + 1 };
  emitCalls(draft, line, callId, 'other', [{ tool: 'web_search', action: what, files: [] }]);
  emitResult(draft, line, callId, {});
}

export function handleCallOutput(draft: Draft, line: LineInfo, callId: string, output: unknown): void {
  const call = findCall(draft, callId);
  if (!call) return;
  const raw = outputText(output);
  if (call.kind === 'patch')
    return emitResult(draft, line, callId, { classified: patchSucceeded(output) ? undefined : patchFailure(raw) });
  const read = readOutput(output);
  if (call.kind === 'stdin') {
    draft.state = { ...draft.state, calls: draft.state.calls.filter((c) => c !== call) };
    // Only an exit code ends the polled command: a poll that was itself aborted leaves the
    // command's fate unknown (Codex says it may still run in the background).
    if (read.exitCode === undefined || call.target === undefined) return;
    const run = draft.state.running.find((r) => r.session === call.target);
    if (!run) return;
    draft.state = { ...draft.state, running: draft.state.running.filter((r) => r !== run) };
    return emitResult(draft, line, run.callId, {
      classified: classifyCodexOutput(raw, read.exitCode),
      exitCode: read.exitCode,
      output: read.text,
    });
  }
  if (call.kind === 'exec') {
    if (read.runningSession !== undefined) {
      draft.state = {
        ...draft.state,
        running: pushBounded(
          draft.state.running.filter((r) => r.session !== read.runningSession),
          { session: read.runningSession, callId },
          200,
        ),
      };
      return;
    }
    const classified = classifyCodexOutput(raw, read.exitCode);
    // Neither an exit code nor a verdict of Codex (an unknown shape): exec_command_end or the
    // item may still say.
    if (read.exitCode === undefined && classified === undefined) return;
    return emitResult(draft, line, callId, { classified, exitCode: read.exitCode, output: read.text });
  }
  emitResult(draft, line, callId, { classified: classifyCodexOutput(raw, undefined) });
}

export function handleExecEnd(draft: Draft, line: LineInfo, end: z.infer<typeof ExecCommandEnd>): void {
  if (!known(draft, end.call_id) && end.command && end.command.length > 0) {
    fromArgv(draft, line, { callId: end.call_id, tool: 'exec_command', argv: end.command, workdir: end.cwd });
  }
  if (end.exit_code === undefined) return;
  const text = end.aggregated_output ?? end.stderr ?? end.stdout ?? '';
  emitResult(draft, line, end.call_id, {
    classified: classifyCodexOutput(text, end.exit_code),
    exitCode: end.exit_code,
    output: readOutput(end.aggregated_output ?? end.stdout ?? '').text,
  });
}

export function handlePatchEnd(draft: Draft, line: LineInfo, end: z.infer<typeof PatchApplyEnd>): void {
  if (!known(draft, end.call_id) && end.changes)
    emitCalls(
      draft,
      line,
      end.call_id,
      'patch',
      patchSummaries(draft, 'apply_patch', changesOps(end.changes), undefined),
    );
  if (end.success === undefined) return;
  emitResult(draft, line, end.call_id, {
    classified: end.success ? undefined : patchFailure(end.stderr ?? end.stdout ?? ''),
  });
}

/**
 * A paginated item's verdict: `declined` is a call that never ran (Codex's text may say who
 * declined it), `failed` one that did not work; otherwise the exit code and text decide.
 */
function itemOutcome(status: string | undefined, text: string, exitCode: number | undefined): Classified | undefined {
  if (status === 'declined')
    return classifyCodexOutput(text, undefined) ?? { outcome: 'refused', reason: 'not approved' };
  const classified = classifyCodexOutput(text, exitCode);
  if (classified !== undefined || status !== 'failed') return classified;
  return { outcome: 'failed' };
}

type Completed = z.infer<typeof CompletedItem>;

/** Paginated `item_completed` CommandExecution / FileChange: results in classic mode, the calls themselves in code mode. */
export function handleCompletedTool(draft: Draft, line: LineInfo, item: Completed): void {
  const id = item.id;
  if (id === undefined) return;
  if (item.type === 'CommandExecution') completedCommand(draft, line, id, item);
  else if (item.type === 'FileChange') completedFileChange(draft, line, id, item);
}

function completedCommand(draft: Draft, line: LineInfo, id: string, item: Completed): void {
  const argv = typeof item.command === 'string' ? [item.command] : item.command;
  if (!known(draft, id) && argv && argv.length > 0) {
    fromArgv(draft, line, { callId: id, tool: 'exec_command', argv, workdir: fileUrlPath(item.cwd) });
  }
  const text = item.aggregated_output ?? item.stderr ?? '';
  if (item.exit_code !== undefined || item.status === 'failed' || item.status === 'declined') {
    emitResult(draft, line, id, {
      classified: itemOutcome(item.status, text, item.exit_code),
      exitCode: item.exit_code,
      output: item.exit_code === undefined ? undefined : readOutput(item.aggregated_output ?? '').text,
    });
  }
}

function completedFileChange(draft: Draft, line: LineInfo, id: string, item: Completed): void {
  if (!known(draft, id) && item.changes) {
    const ops = changesOps(item.changes satisfies z.infer<typeof Changes>);
    emitCalls(draft, line, id, 'patch', patchSummaries(draft, 'apply_patch', ops, undefined));
  }
  if (item.status === 'completed') emitResult(draft, line, id, {});
  else if (item.status === 'declined') {
    emitResult(draft, line, id, { classified: itemOutcome(item.status, item.stderr ?? '', undefined) });
  } else if (item.status === 'failed') emitResult(draft, line, id, { classified: patchFailure(item.stderr ?? '') });
}

/** Items give cwd as a `file://` URL; commands elsewhere as a plain path. */
function fileUrlPath(cwd: string | undefined): string | undefined {
  if (cwd === undefined || !cwd.startsWith('file://')) return cwd;
  try {
    return decodeURIComponent(new URL(cwd).pathname);
  } catch {
    // A malformed URL: no working folder rather than a wrong one.
    return undefined;
  }
}
