import { z } from 'zod';
import type { AgentEvent } from '../events.js';
import { eventKey, SeenRing } from '../seen-ring.js';
import type { ConversationEntry } from './schema.js';

/**
 * Folds common events into devlog conversation entries. Entries before the latest human prompt
 * can no longer change, so they are handed out as `finalized` (the caller stores them once);
 * only the entries of the current turn stay in the state ("open"), where a streaming-split
 * assistant message can still grow and a `Write` can still turn from `edited` into `created`.
 * The state is plain JSON and bounded, so it is stored between runs and a run over any split of
 * the transcript ends in the same entries.
 */

const EPOCH = '1970-01-01T00:00:00.000Z';
/** Past this many open entries the oldest are finalized, keeping state small in long turns. */
const MAX_OPEN = 200;

const OpenEntry = z.object({
  entry: z.custom<ConversationEntry>((v) => typeof v === 'object' && v !== null && 'type' in v),
  messageId: z.string().optional(),
  /** callId → index in `actions`, for calls whose effect a later result may correct. */
  calls: z.record(z.string(), z.number().int()).optional(),
});

export const DevlogState = z.object({
  open: z.array(OpenEntry),
  lastAt: z.string().nullable(),
  /** Ids of events already folded in, so a re-written record counts once. */
  seen: z.array(z.string()),
});
export type DevlogState = z.infer<typeof DevlogState>;

export function initialDevlogState(): DevlogState {
  return { open: [], lastAt: null, seen: [] };
}

export class DevlogReducer {
  private readonly state: DevlogState;
  private readonly seen: SeenRing;
  /** Entries that can no longer change, in order, since the last `takeFinalized()`. */
  private finalized: ConversationEntry[] = [];

  constructor(state: DevlogState) {
    this.state = structuredClone(state);
    this.seen = new SeenRing(this.state.seen);
  }

  apply(event: AgentEvent): void {
    const key = eventKey(event);
    if (key !== undefined && this.seen.check(key)) return;
    if ('at' in event && event.at) this.state.lastAt = event.at;
    switch (event.kind) {
      case 'prompt':
        this.finalizeOpen(0);
        this.finalized.push({ type: 'user', timestamp: this.time(event.at), content: event.text });
        break;
      case 'reply':
        this.addReply(event.messageId, this.time(event.at), event.text);
        break;
      case 'tool_call':
        this.addAction(event.callId, event.action);
        break;
      case 'tool_result':
        this.settleCall(event.callId, event.files ?? []);
        break;
      case 'subagent_result': {
        const subagent = {
          ...(event.agentType !== undefined && { type: event.agentType }),
          ...(event.agentId !== undefined && { id: event.agentId }),
          ...(event.description !== undefined && { description: event.description }),
        };
        this.pushOpen({ entry: { type: 'assistant', timestamp: this.time(event.at), content: event.text, subagent } });
        break;
      }
      default:
        return;
    }
    if (this.state.open.length > MAX_OPEN) this.finalizeOpen(1);
  }

  /** Entries finalized since the previous call; the caller appends them to storage. */
  takeFinalized(): ConversationEntry[] {
    const out = this.finalized;
    this.finalized = [];
    return out;
  }

  openEntries(): ConversationEntry[] {
    return this.state.open.map((o) => o.entry);
  }

  snapshot(): DevlogState {
    return { ...structuredClone(this.state), seen: this.seen.toJSON() };
  }

  private time(at: string | undefined): string {
    return at ?? this.state.lastAt ?? EPOCH;
  }

  private addReply(messageId: string, timestamp: string, text: string): void {
    const existing = this.state.open.find((o) => o.messageId === messageId && o.entry.type === 'assistant');
    if (existing && existing.entry.type === 'assistant') {
      existing.entry.content = `${existing.entry.content}\n\n${text}`;
      return;
    }
    this.pushOpen({ entry: { type: 'assistant', timestamp, content: text }, messageId });
  }

  private addAction(callId: string, action: string): void {
    const last = this.state.open[this.state.open.length - 1];
    if (last && last.entry.type === 'tool_summary') {
      last.entry.actions.push(action);
      (last.calls ??= {})[callId] = last.entry.actions.length - 1;
      return;
    }
    this.pushOpen({ entry: { type: 'tool_summary', actions: [action] }, calls: { [callId]: 0 } });
  }

  /** A write's result is the first place that says whether the file was new. */
  private settleCall(callId: string, files: { path: string; op: string }[]): void {
    if (!files.some((f) => f.op === 'created')) return;
    for (const o of this.state.open) {
      const idx = o.calls?.[callId];
      if (idx === undefined || o.entry.type !== 'tool_summary') continue;
      const action = o.entry.actions[idx];
      if (action?.startsWith('edited ')) o.entry.actions[idx] = `created ${action.slice('edited '.length)}`;
      return;
    }
  }

  private pushOpen(o: z.infer<typeof OpenEntry>): void {
    this.state.open.push(o);
  }

  /** Moves all but the last `keep` open entries to `finalized`. */
  private finalizeOpen(keep: number): void {
    const n = Math.max(0, this.state.open.length - keep);
    for (const o of this.state.open.splice(0, n)) this.finalized.push(o.entry);
  }
}
