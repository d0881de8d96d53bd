/**
 * Prompts and replies. Codex writes each prompt two or three times (the `user_message` event or
 * `UserMessage` item, plus a `response_item` copy wrapped in injected context) and each reply up
 * to four times (`agent_message`, `AgentMessage`, the assistant `response_item`, and
 * `task_complete.last_agent_message`). Each text is emitted once: the first copy wins and later
 * copies with the same text in the same stretch are dropped, whatever order a release writes them.
 */

import { withoutUndefined } from '../../adapters/common/events.js';
import type { Draft, LineInfo } from './draft.js';
import { pushBounded, textHash } from './state.js';
import { isRecord } from '../../kit/plain-object.js';

const RECENT_CAP = 32;

/** Injected context in `role: user` items (AGENTS.md, environment, permissions…), never typed by the human. */
const INJECTED = /^\s*(<[a-z_][\w -]*>|# AGENTS\.md instructions|<\/?[A-Za-z_][\w-]*( [^>]*)?>\s*$)/;

function isInjectedContext(text: string): boolean {
  return INJECTED.test(text);
}

/** `fromItem`: a `role: user` response item, which also carries injected context; events never do. */
/**
 * What makes two copies "the same text". The public corpus replaces text with redaction markers
 * whose label differs per record kind (`[REDACTED_MESSAGE len=… sha=…]` in the event,
 * `[REDACTED_TEXT …]` in the item) while length and hash stay: those compare by length and hash.
 */
function sameTextKey(text: string): string {
  return textHash(text.replace(/^\[REDACTED_[A-Z_]+ (len=\d+ sha=[0-9a-f]+)\]$/, '[REDACTED $1]'));
}

/**
 * Notices Codex adds to the conversation as if the user had written them: the interrupt notice a
 * model gets after the user stopped a turn, and subagent notifications. Only a closed block at
 * the start counts (so a prompt that merely mentions the tag stays a prompt).
 */
const FRAMING_TAGS = ['turn_aborted', 'subagent_notification'];

function withoutFraming(text: string): string {
  let out = text;
  for (;;) {
    const tag = FRAMING_TAGS.find((t) => out.startsWith(`<${t}>`));
    const end = tag === undefined ? -1 : out.indexOf(`</${tag}>`);
    if (tag === undefined || end < 0) return out;
    out = out.slice(end + tag.length + 3).trimStart();
  }
}

export function addPrompt(draft: Draft, line: LineInfo, text: string, fromItem = false): void {
  const clean = withoutFraming(text.trim()).trim();
  // A subagent's prompt is its parent's instruction, already in the parent's conversation.
  if (clean === '' || draft.subagent !== undefined || (fromItem && isInjectedContext(clean))) return;
  const hash = sameTextKey(clean);
  if (draft.state.recentPrompts.includes(hash)) return;
  draft.state = {
    ...draft.state,
    recentPrompts: pushBounded(draft.state.recentPrompts, hash, RECENT_CAP),
    recentReplies: [],
  };
  draft.events.push(withoutUndefined({ kind: 'prompt' as const, at: line.at, text: clean }));
}

export function addReply(draft: Draft, line: LineInfo, text: string): void {
  const clean = text.trim();
  // A subagent's running commentary stays in its own thread; its final report is subagentReport.
  if (clean === '' || draft.subagent !== undefined) return;
  const hash = sameTextKey(clean);
  if (draft.state.recentReplies.includes(hash)) return;
  const seq = draft.state.seq + 1;
  draft.state = {
    ...draft.state,
    seq,
    recentReplies: pushBounded(draft.state.recentReplies, hash, RECENT_CAP),
    recentPrompts: [],
  };
  draft.events.push(
    withoutUndefined({ kind: 'reply' as const, at: line.at, text: clean, messageId: `codex-reply-${seq}` }),
  );
}

/** Anything but a prompt ends the stretch in which a repeated prompt text is the same prompt. */
export function endPromptStretch(draft: Draft): void {
  if (draft.state.recentPrompts.length > 0) draft.state = { ...draft.state, recentPrompts: [] };
}

/** Text of `content` items (`input_text`, `output_text`, `text`, `Text`), images left out. */
export function contentText(content: readonly unknown[] | undefined, types: readonly string[]): string {
  if (!content) return '';
  const parts: string[] = [];
  for (const item of content) {
    if (!isRecord(item)) continue;
    const type = item['type'];
    const text = item['text'];
    if (typeof type === 'string' && types.includes(type) && typeof text === 'string') parts.push(text);
  }
  return parts.join('\n');
}

/** A subagent thread's final message, attributed to the parent session. */
export function subagentReport(draft: Draft, line: LineInfo, text: string): void {
  const clean = text.trim();
  const sub = draft.subagent;
  if (clean === '' || sub === undefined) return;
  draft.events.push(
    withoutUndefined({
      kind: 'subagent_result' as const,
      at: line.at,
      agentId: sub.id,
      agentType: sub.type,
      text: clean,
    }),
  );
}
