/**
 * Tool calls and their results. A `tool_use` block becomes a `tool_call` event with a devlog
 * action (`edited x`, `ran …`, `searched for …`) and the files it touches, and Task/Agent calls
 * are remembered so their results can name the subagent. A `tool_result` block becomes a
 * `tool_result` event with its exit code, output tail, the files a Write created or modified, and
 * what became of the call when it did not succeed (outcome.ts); successful results in the main
 * conversation are then checked for a Task/Agent report. Bookkeeping tools (task lists, tool
 * search) yield no events.
 */

import type { FileChange } from '../../events.js';
import { type Draft, type LineInfo, withoutUndefined } from './draft.js';
import {
  ACTION_MAX_CHARS,
  ACTION_PART_CHARS,
  MAX_NAME_CHARS,
  OUTPUT_TAIL_CHARS,
} from '../../adapters/common/limits.js';
import { type PathBase, repoPath } from '../../adapters/common/paths.js';
import {
  AgentInput,
  BashInput,
  ExitCodeResult,
  FilePathInput,
  NotebookInput,
  SearchInput,
  type ToolResultBlock,
  type ToolUseBlock,
  WriteResult,
} from './records.js';
import { isBookkeepingTool } from '../../adapters/common/bookkeeping.js';
import { summarizeCommand, type ToolSummary } from '../../adapters/common/shell.js';
import { type AgentCall, findAgentCall, pushBounded } from './state.js';
import { classifyClaudeResult } from './outcome.js';
import { handleAgentResult } from './subagents.js';
import { clipEnd, clipId, clipLabel, tail, textItems } from './text.js';
import { oneLine } from '../../kit/text-lines.js';

const EDIT_TOOLS = new Set(['Edit', 'MultiEdit', 'Write']);
const SEARCH_TOOLS = new Set(['Grep', 'Glob']);
const AGENT_TOOLS = new Set(['Task', 'Agent']);

/** The devlog action for one tool_use. Inputs that do not fit fall back to `used <Tool>`. */
function summarizeToolUse(name: string, input: unknown, base: PathBase): ToolSummary {
  const used: ToolSummary = { action: `used ${name}`, files: [] };
  if (EDIT_TOOLS.has(name) || name === 'Read') {
    const parsed = FilePathInput.safeParse(input);
    if (!parsed.success) return used;
    const path = repoPath(parsed.data.file_path, base);
    const verb = name === 'Read' ? 'read' : 'edited';
    // Write stays `modified` here; its result says whether it actually created the file.
    return {
      action: `${verb} ${clipEnd(path, ACTION_PART_CHARS)}`,
      files: [{ path, op: name === 'Read' ? 'read' : 'modified' }],
    };
  }
  if (name === 'NotebookEdit') {
    const parsed = NotebookInput.safeParse(input);
    if (!parsed.success) return used;
    const path = repoPath(parsed.data.notebook_path, base);
    return { action: `edited ${clipEnd(path, ACTION_PART_CHARS)}`, files: [{ path, op: 'modified' }] };
  }
  if (name === 'Bash') {
    const parsed = BashInput.safeParse(input);
    return parsed.success ? summarizeCommand(parsed.data.command, base) : used;
  }
  if (SEARCH_TOOLS.has(name)) {
    const parsed = SearchInput.safeParse(input);
    if (!parsed.success) return used;
    const pattern = clipEnd(oneLine(parsed.data.pattern), ACTION_PART_CHARS);
    const where = parsed.data.path;
    const shown = where ? repoPath(where, base) : '.';
    // Searching the project folder itself is the default, not worth saying.
    const suffix = shown === '.' ? '' : ` in ${clipEnd(shown, ACTION_PART_CHARS)}`;
    return { action: `searched for ${pattern}${suffix}`, files: [] };
  }
  return used;
}

export function handleToolUse(draft: Draft, line: LineInfo, block: ToolUseBlock, messageId: string | undefined): void {
  if (isBookkeepingTool(block.name)) return;
  const tool = clipEnd(block.name, MAX_NAME_CHARS);
  const summary = summarizeToolUse(tool, block.input, line.base);
  draft.events.push(
    withoutUndefined({
      kind: 'tool_call' as const,
      at: line.at,
      callId: block.id,
      messageId,
      tool,
      action: clipEnd(summary.action, ACTION_MAX_CHARS),
      files: summary.files,
      command: summary.command,
      subagent: line.subagent,
    }),
  );
  const callId = clipId(block.id);
  if (AGENT_TOOLS.has(block.name) && callId !== undefined && findAgentCall(draft.state, callId) === undefined) {
    const input = AgentInput.safeParse(block.input);
    const call: AgentCall = withoutUndefined({
      callId,
      agentType: input.success ? clipLabel(input.data.subagent_type) : undefined,
      description: input.success ? clipLabel(input.data.description) : undefined,
    });
    draft.state = { ...draft.state, agentCalls: pushBounded(draft.state.agentCalls, call) };
  }
}

/** Text of a tool_result's content: a string or text items (images never included). */
function toolResultText(content: ToolResultBlock['content']): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : textItems(content).join('\n');
}

/** "Exit code N" at the start of a failed shell result (or its "Error: " string form). */
function exitCodeOf(text: string): number | undefined {
  const match = /^(?:Error: )?Exit code (-?\d{1,10})\b/.exec(text);
  if (match?.[1] === undefined) return undefined;
  const code = Number(match[1]);
  return Number.isSafeInteger(code) ? code : undefined;
}

/** 1.0.x `BashOutput` results carry a numeric `exitCode` field. */
function exitCodeField(toolUseResult: unknown): number | undefined {
  const parsed = ExitCodeResult.safeParse(toolUseResult);
  return parsed.success ? parsed.data.exitCode : undefined;
}

/** The Write tool's words for a new file, the path up to the end of the line or the 2.1.330 note. */
const CREATED_TEXT = /^File created successfully at: ([^\n]+?)(?: \(file state [^\n]*)?(?:\n|$)/;

/**
 * Write results say whether the file was created or overwritten: `toolUseResult.type`, or, where
 * the record has no `toolUseResult` (2.1.330 subagent transcripts), the result text.
 */
function writeResultFiles(toolUseResult: unknown, text: string, base: PathBase): FileChange[] | undefined {
  const parsed = WriteResult.safeParse(toolUseResult);
  if (!parsed.success) {
    const created = toolUseResult === undefined ? CREATED_TEXT.exec(text.slice(0, 4096))?.[1] : undefined;
    return created === undefined ? undefined : [{ path: repoPath(created, base), op: 'created' }];
  }
  const path = repoPath(parsed.data.filePath, base);
  if (parsed.data.type === 'create') return [{ path, op: 'created' }];
  if (parsed.data.type === 'update') return [{ path, op: 'modified' }];
  return undefined;
}

export function handleToolResult(
  draft: Draft,
  line: LineInfo,
  block: ToolResultBlock,
  toolUseResult: unknown,
  denialKind: string | undefined,
): void {
  const text = toolResultText(block.content);
  const exitCode = exitCodeOf(text) ?? exitCodeField(toolUseResult);
  const classified = classifyClaudeResult({ text, isError: block.is_error === true, exitCode, denialKind });
  // A refused or interrupted call is an error too: whatever reads only `isError` (the window's
  // files, tests and commits) must not count it as done.
  const isError = block.is_error === true || classified !== undefined;
  draft.events.push(
    withoutUndefined({
      kind: 'tool_result' as const,
      at: line.at,
      callId: block.tool_use_id,
      isError,
      outcome: classified?.outcome,
      reason: classified?.reason,
      exitCode,
      output: text === '' ? undefined : tail(text, OUTPUT_TAIL_CHARS),
      files: isError ? undefined : writeResultFiles(toolUseResult, text, line.base),
      subagent: line.subagent,
    }),
  );
  if (!isError && line.subagent === undefined) handleAgentResult(draft, line, block, toolUseResult, text);
}
