/**
 * One handler per message record type. Assistant records yield model replies (text blocks, with
 * stable message and part ids) and tool calls; user records yield tool results, task
 * notifications or the human's prompt; system records yield compaction markers. Subagent records
 * contribute tool calls and results but never replies or prompts of their own.
 */

import { type Draft, type LineInfo, markBadBlock, withoutUndefined } from './draft.js';
import {
  type AssistantRecord,
  TextBlock,
  ToolResultBlock,
  ToolUseBlock,
  TypedBlock,
  type UserRecord,
} from './records.js';
import { handleTaskNotification, isTaskNotification } from './subagents.js';
import { promptText, textItems } from './text.js';
import { handleToolResult, handleToolUse } from './tools.js';
import { isRecord } from '../../kit/plain-object.js';

// --- assistant -------------------------------------------------------------------------------

export function handleAssistant(draft: Draft, line: LineInfo, record: AssistantRecord): void {
  const { message } = record;
  const messageId = message.id ?? line.env.uuid;
  // `<synthetic>` messages are client placeholders ("No response requested.", "API Error: …"),
  // not something the model said; the devlog shows model text only.
  const synthetic = message.model === '<synthetic>';
  const blocks: unknown[] =
    typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
  const textCount = blocks.filter((b) => isRecord(b) && b['type'] === 'text').length;
  let textIndex = 0;
  for (const block of blocks) {
    const typed = TypedBlock.safeParse(block);
    if (!typed.success) continue;
    if (typed.data.type === 'text') {
      const text = TextBlock.safeParse(block);
      if (!text.success) {
        markBadBlock(draft, 'text');
        continue;
      }
      const index = textIndex++;
      if (line.subagent !== undefined || synthetic) continue;
      pushReply(draft, line, text.data.text, messageId, partIdOf(line.env.uuid, index, textCount));
    } else if (typed.data.type === 'tool_use') {
      const toolUse = ToolUseBlock.safeParse(block);
      if (!toolUse.success) {
        markBadBlock(draft, 'tool_use');
        continue;
      }
      handleToolUse(draft, line, toolUse.data, message.id);
    }
    // thinking / redacted_thinking / anything newer: not devlog material.
  }
}

/** A reply unless it is empty or the message has no id to anchor it. */
function pushReply(
  draft: Draft,
  line: LineInfo,
  text: string,
  messageId: string | undefined,
  partId: string | undefined,
): void {
  if (!isMeaningfulReply(text)) return;
  if (messageId === undefined) {
    markBadBlock(draft, 'no-message-id');
    return;
  }
  draft.events.push(withoutUndefined({ kind: 'reply' as const, at: line.at, text, messageId, partId }));
}

/** The record's uuid, suffixed with the block's index when the message has several text blocks. */
function partIdOf(uuid: string | undefined, index: number, textCount: number): string | undefined {
  if (uuid === undefined) return undefined;
  return textCount > 1 ? `${uuid}#${index}` : uuid;
}

/** Whitespace and the client's "(no content)" placeholder are not replies. */
function isMeaningfulReply(text: string): boolean {
  const trimmed = text.trim();
  return trimmed !== '' && trimmed !== '(no content)';
}

// --- user ------------------------------------------------------------------------------------

export function handleUser(draft: Draft, line: LineInfo, record: UserRecord): void {
  const content = record.message.content;
  const blocks = typeof content === 'string' ? [] : content;
  const results: ToolResultBlock[] = [];
  for (const block of blocks) {
    if (!isRecord(block) || block['type'] !== 'tool_result') continue;
    const parsed = ToolResultBlock.safeParse(block);
    if (parsed.success) results.push(parsed.data);
    else markBadBlock(draft, 'tool_result');
  }
  if (results.length > 0) {
    // `toolUseResult` describes the record's single result; with several it is ambiguous.
    const toolUseResult = results.length === 1 ? record.toolUseResult : undefined;
    // `toolDenialKind`, like `toolUseResult`, describes the record's single result.
    const denialKind = results.length === 1 ? record.toolDenialKind : undefined;
    for (const result of results) handleToolResult(draft, line, result, toolUseResult, denialKind);
    return;
  }
  if (line.subagent !== undefined) return; // a subagent's task prompt or injected context
  const text = typeof content === 'string' ? content : textItems(content).join('\n\n');
  if (isTaskNotification(record, text)) {
    handleTaskNotification(draft, line, text);
    return;
  }
  const { env } = line;
  // isMeta: Stop-hook feedback, command bodies, caveats; compaction summaries are not typed.
  if (env.isMeta === true || env.isCompactSummary === true || env.isVisibleInTranscriptOnly === true) return;
  const prompt = promptText(text);
  if (prompt === undefined) return;
  draft.events.push(withoutUndefined({ kind: 'prompt' as const, at: line.at, text: prompt, id: env.uuid }));
}

// --- system ----------------------------------------------------------------------------------

export function handleSystem(draft: Draft, line: LineInfo, subtype: string | undefined): void {
  // Other subtypes (stop_hook_summary, turn_duration, local_command, api_error, …) are metadata.
  if (subtype === 'compact_boundary' && line.subagent === undefined) {
    draft.events.push(withoutUndefined({ kind: 'compaction' as const, at: line.at }));
  }
}
