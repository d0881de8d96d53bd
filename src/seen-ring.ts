/**
 * Remembers the last `cap` ids seen, so a record written twice into a transcript (a re-written
 * copy with the same uuid) is folded in once. A Set for the lookups; the insertion order of the
 * Set is the ring, so the oldest id is dropped first. Stored between runs as a plain array.
 */
export class SeenRing {
  private readonly ids: Set<string>;

  constructor(
    saved: readonly string[],
    private readonly cap = 2000,
  ) {
    this.ids = new Set(saved.slice(-cap));
  }

  /** Records the id; true when it had been seen already. */
  check(id: string): boolean {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.cap) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return false;
  }

  toJSON(): string[] {
    return [...this.ids];
  }
}

/** The id by which an event's record is recognised when written again, if it has one. */
export function eventKey(e: { kind: string; id?: string | undefined; partId?: string | undefined; callId?: string | undefined }): string | undefined {
  if (e.kind === 'prompt' && e.id !== undefined) return `p:${e.id}`;
  if (e.kind === 'reply' && e.partId !== undefined) return `r:${e.partId}`;
  if (e.kind === 'tool_call' && e.callId !== undefined) return `c:${e.callId}`;
  if (e.kind === 'tool_result' && e.callId !== undefined) return `t:${e.callId}`;
  return undefined;
}
