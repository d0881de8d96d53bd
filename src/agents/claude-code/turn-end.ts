import type { HookPayload } from '../../hooks/payload.js';

/** Claude Code fires Stop before its last reply may be written: wait for the payload's `last_assistant_message`, as it appears inside a JSON string. */
export function holdsReply(payload: HookPayload): ((bytes: Buffer) => boolean) | null {
  const lastMessage = payload.last_assistant_message;
  if (!lastMessage) return null;
  const needle = Buffer.from(JSON.stringify(lastMessage.slice(0, 120)).slice(1, -1));
  return (bytes) => bytes.includes(needle);
}
