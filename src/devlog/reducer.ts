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
 *
 * Actions say what came of each call: a result with an outcome appends it (`ran ls x (failed:
 * exit 2)`, `edited a.ts (refused: not permitted)`, `ran sh slow.sh (interrupted)`), and a call
 * whose result has not arrived reads `(no result)`:
 * - when its entry is finalized (the next prompt ends the turn, or the open list overflows), the
 *   mark is written into the action for good: no later result can change a stored entry, and a
 *   result that did not come within its turn did not come for the work the turn was about;
 * - while its entry is open, the mark is added only when the entries are rendered
 *   (`openEntries()`), and the stored action stays plain, so a result read in a later run still
 *   settles it. The reducer cannot see the session close (the pipeline decides that, and a client
 *   that is killed reports nothing), so it does not wait for one: the devlog written after the
 *   session's last run then names exactly the calls that never got a result (a killed client's
 *   last call included), while a devlog written mid-turn shows a running call as having none yet.
 */

const EPOCH = '1970-01-01T00:00:00.000Z';
/** Past this many open entries the oldest are finalized, keeping state small in long turns. */
const MAX_OPEN = 200;

const OpenEntry = z.object({
  entry: z.custom<ConversationEntry>((v) => typeof v === 'object' && v !== null && 'type' in v),
  messageId: z.string().optional(),
  /**
   * callId → index in `actions`, for calls still waiting for their result (removed when it comes).
   * States stored before results were recorded kept every call under `calls`, answered or not;
   * parsing drops that key, so their calls are not taken for unanswered.
   */
  waiting: z.record(z.string(), z.number().int()).optional(),
});

/** The mark of a call whose result never came. */
const NO_RESULT = ' (no result)';

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
        this.settleCall(event);
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

  /** The open entries as they read now: a call still waiting for its result reads `(no result)`. */
  openEntries(): ConversationEntry[] {
    return this.state.open.map((o) => withNoResultMarks(o));
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
      last.waiting ??= {};
      last.waiting[callId] = last.entry.actions.length - 1;
      return;
    }
    this.pushOpen({ entry: { type: 'tool_summary', actions: [action] }, waiting: { [callId]: 0 } });
  }

  /**
   * The result of a call still open: a write's result is the first place that says whether the
   * file was new, and a call that did not succeed says so after its action. A result whose call
   * is not open (finalized already, a bookkeeping tool, a second copy) changes nothing.
   */
  private settleCall(result: Extract<AgentEvent, { kind: 'tool_result' }>): void {
    for (const o of this.state.open) {
      const idx = o.waiting?.[result.callId];
      if (idx === undefined || o.waiting === undefined || o.entry.type !== 'tool_summary') continue;
      delete o.waiting[result.callId];
      let action = o.entry.actions[idx];
      if (action === undefined) return;
      if (action.startsWith('edited ') && (result.files ?? []).some((f) => f.op === 'created'))
        action = `created ${action.slice('edited '.length)}`;
      if (result.outcome !== undefined)
        action += result.reason === undefined ? ` (${result.outcome})` : ` (${result.outcome}: ${result.reason})`;
      o.entry.actions[idx] = action;
      return;
    }
  }

  private pushOpen(o: z.infer<typeof OpenEntry>): void {
    this.state.open.push(o);
  }

  /** Moves all but the last `keep` open entries to `finalized`, their unanswered calls marked for good. */
  private finalizeOpen(keep: number): void {
    const n = Math.max(0, this.state.open.length - keep);
    for (const o of this.state.open.splice(0, n)) this.finalized.push(withNoResultMarks(o));
  }
}

/** The entry with `(no result)` after each action whose call is still waiting; the state is left as it is. */
function withNoResultMarks(o: z.infer<typeof OpenEntry>): ConversationEntry {
  const waiting = o.waiting === undefined ? [] : Object.values(o.waiting);
  if (o.entry.type !== 'tool_summary' || waiting.length === 0) return o.entry;
  const actions = [...o.entry.actions];
  for (const idx of waiting) if (actions[idx] !== undefined) actions[idx] += NO_RESULT;
  return { ...o.entry, actions };
}
