/**
 * Remembers the last `cap` ids seen, so a record written twice into a transcript (a re-written
 * copy with the same uuid) is folded in once. A Set for the lookups and an array for the order,
 * so the oldest id is dropped first. Not the Set's own insertion order: each id deleted from its
 * front stays there as a hole until the table is rebuilt, and reaching the oldest live id walked
 * over all of them, on every check once the ring was full (a third of the devlog's time on a
 * Codex rollout). Stored between runs as a plain array, oldest first.
 */
export class SeenRing {
  private readonly ids: Set<string>;
  /** The ids in the order they came, filled up to `cap`; then `next` is the oldest, where the newest goes. */
  private readonly order: string[];
  private next = 0;

  constructor(
    saved: readonly string[],
    private readonly cap = 2000,
  ) {
    this.order = [];
    this.ids = new Set();
    for (const id of saved.slice(-cap)) {
      if (this.ids.has(id)) continue;
      this.ids.add(id);
      this.order.push(id);
    }
  }

  /** Records the id; true when it had been seen already. */
  check(id: string): boolean {
    if (this.ids.has(id)) return true;
    if (this.order.length < this.cap) {
      this.order.push(id);
    } else {
      const oldest = this.order[this.next];
      if (oldest !== undefined) this.ids.delete(oldest);
      this.order[this.next] = id;
      this.next = (this.next + 1) % this.cap;
    }
    this.ids.add(id);
    return false;
  }

  toJSON(): string[] {
    return [...this.order.slice(this.next), ...this.order.slice(0, this.next)];
  }
}

/** The id by which an event's record is recognised when written again, if it has one. */
export function eventKey(e: {
  kind: string;
  id?: string | undefined;
  partId?: string | undefined;
  callId?: string | undefined;
}): string | undefined {
  if (e.kind === 'prompt' && e.id !== undefined) return `p:${e.id}`;
  if (e.kind === 'reply' && e.partId !== undefined) return `r:${e.partId}`;
  if (e.kind === 'tool_call' && e.callId !== undefined) return `c:${e.callId}`;
  if (e.kind === 'tool_result' && e.callId !== undefined) return `t:${e.callId}`;
  return undefined;
}
