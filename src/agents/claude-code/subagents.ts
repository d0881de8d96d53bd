/**
 * Subagents. Which subagent a record belongs to (a subagent file or an inline sidechain), the
 * Task/Agent results that report a sync subagent's work, the 2.1.330 background launches and the
 * `<task-notification>` turns that report them later, and the 2.1.38/39 `agent_progress` records
 * that link a Task call to its agent id. Reports become `subagent_ref` + `subagent_result` events.
 */

import type { Subagent } from '../../events.js';
import type { LineContext } from '../../adapters/adapter.js';
import { type Draft, type LineInfo, withoutUndefined } from './draft.js';
import { AgentResult, type Envelope, ProgressRecord, type ToolResultBlock, type UserRecord } from './records.js';
import {
  type BackgroundAgent,
  type ClaudeCodeState,
  findAgentCall,
  findBackgroundAgent,
  pushBounded,
} from './state.js';
import { clipId, clipLabel, reportText, tagContent, textItems } from './text.js';

export function subagentOf(env: Envelope, ctx: LineContext | undefined): Subagent | undefined {
  const given = ctx?.subagent;
  if (given !== undefined) {
    return withoutUndefined({
      id: typeof given.id === 'string' ? given.id : undefined,
      type: typeof given.type === 'string' ? given.type : undefined,
    });
  }
  if (env.isSidechain !== true) return undefined;
  // 2.1.x subagent files carry `agentId`; 1.0.x inline sidechains carry nothing to name them.
  const id = clipId(env.agentId);
  return id === undefined ? {} : { id };
}

export function isTaskNotification(record: UserRecord, text: string): boolean {
  return record.origin?.kind === 'task-notification' || text.trimStart().startsWith('<task-notification>');
}

/**
 * A Task/Agent result in the main conversation. Sync subagents (1.0.x, 2.1.x) report here;
 * 2.1.330 background agents only say they launched, and report later in a task-notification.
 */
export function handleAgentResult(
  draft: Draft,
  line: LineInfo,
  block: ToolResultBlock,
  toolUseResult: unknown,
  blockText: string,
): void {
  const call = findAgentCall(draft.state, block.tool_use_id);
  const parsed = AgentResult.safeParse(toolUseResult);
  const result: AgentResult | undefined = parsed.success ? parsed.data : undefined;
  // Without the Task/Agent call in state (evicted, or a partial file), recognise the result's
  // own shape: a report (`content` items plus run totals or an agent id/type) or a launch.
  const hasReport =
    result?.content !== undefined &&
    (result.totalDurationMs !== undefined || result.agentId !== undefined || result.agentType !== undefined);
  const isLaunch = result?.agentId !== undefined && (result.status === 'async_launched' || result.isAsync === true);
  const looksLikeAgent = hasReport || isLaunch;
  if (call === undefined && !looksLikeAgent) return;

  const agentId = clipId(result?.agentId) ?? call?.agentId;
  const agentType = call?.agentType ?? clipLabel(result?.agentType);
  const description = call?.description ?? clipLabel(result?.description);

  if (result?.status === 'async_launched' || result?.isAsync === true) {
    if (agentId !== undefined && findBackgroundAgent(draft.state, agentId) === undefined) {
      const agent: BackgroundAgent = withoutUndefined({ agentId, agentType, description });
      draft.state = { ...draft.state, backgroundAgents: pushBounded(draft.state.backgroundAgents, agent) };
    }
    return;
  }

  const resultText = result?.content !== undefined ? reportText(textItems(result.content).join('\n\n')) : '';
  const text = resultText !== '' ? resultText : reportText(blockText);
  if (text === '') return;
  emitSubagentReport(draft, line, { agentId, agentType, description, text });
}

interface SubagentReport {
  agentId: string | undefined;
  agentType: string | undefined;
  description: string | undefined;
  text: string;
}

/** `subagent_ref` first (the pipeline reads the subagent's own file there), then the report. */
function emitSubagentReport(draft: Draft, line: LineInfo, report: SubagentReport): void {
  if (report.agentId !== undefined) {
    draft.events.push(
      withoutUndefined({
        kind: 'subagent_ref' as const,
        at: line.at,
        agentId: report.agentId,
        agentType: report.agentType,
      }),
    );
  }
  draft.events.push(withoutUndefined({ kind: 'subagent_result' as const, at: line.at, ...report }));
}

/**
 * `<task-notification>` turns report finished background work. Agents (2.1.330 background
 * subagents) become a subagent report; background shell commands (`<task-id>` of a Bash run,
 * no `<result>`) are not conversation and yield nothing.
 */
export function handleTaskNotification(draft: Draft, line: LineInfo, text: string): void {
  const taskId = clipId(tagContent(text, 'task-id')?.trim());
  const toolUseId = tagContent(text, 'tool-use-id')?.trim();
  // A long report can arrive with `</result>` cut off; take what is there.
  const raw = tagContent(text, 'result', true)?.replace(/<\/task-notification>\s*$/, '');
  const result = raw === undefined ? undefined : reportText(raw);
  const background = taskId === undefined ? undefined : findBackgroundAgent(draft.state, taskId);
  const call = toolUseId === undefined ? undefined : findAgentCall(draft.state, toolUseId);
  if (background === undefined && call === undefined && result === undefined) return;
  emitSubagentReport(draft, line, {
    agentId: taskId ?? call?.agentId,
    agentType: background?.agentType ?? call?.agentType,
    description: background?.description ?? call?.description,
    text: result ?? tagContent(text, 'summary')?.trim() ?? '',
  });
}

/** 2.1.38/39 `agent_progress` links a Task call to its agentId; no events. */
export function learnFromProgress(state: ClaudeCodeState, value: Record<string, unknown>): ClaudeCodeState {
  const parsed = ProgressRecord.safeParse(value);
  if (!parsed.success) return state;
  const { data, parentToolUseID } = parsed.data;
  const agentId = clipId(data?.agentId);
  if (data?.type !== 'agent_progress' || agentId === undefined || parentToolUseID === undefined) return state;
  const index = state.agentCalls.findIndex((call) => call.callId === parentToolUseID);
  const call = state.agentCalls[index];
  if (call === undefined || call.agentId === agentId) return state;
  const agentCalls = [...state.agentCalls];
  agentCalls[index] = { ...call, agentId };
  return { ...state, agentCalls };
}
