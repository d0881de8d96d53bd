import type { HookPayload } from '../../hooks/payload.js';
import { holdsText, type TurnEnd } from '../../worker/stop-wait.js';

/** Claude Code fires Stop before its last reply may be written: wait for the payload's `last_assistant_message`. */
export function holdsReply(payload: HookPayload): TurnEnd | null {
  const lastMessage = payload.last_assistant_message;
  return lastMessage ? holdsText(lastMessage.slice(0, 120)) : null;
}
