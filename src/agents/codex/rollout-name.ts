/** The thread id at the end of a rollout file name (UUIDv7, or v4 in old releases). */
export function threadIdFromRolloutName(fileName: string): string | undefined {
  return /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/.exec(fileName)?.[1];
}

/**
 * Codex rollouts are `rollout-<local time>-<thread id>.jsonl` and start with `session_meta` (or,
 * in 0.20, a header with `instructions`).
 */
export function isRollout(fileName: string, head: string): boolean {
  return (
    /^rollout-.*\.jsonl$/.test(fileName) ||
    /^\{"(timestamp|ordinal)":[^\n]*"type":"session_meta"/.test(head) ||
    /^\{"id":"[^"\n]+","timestamp":"[^"\n]*","instructions":/.test(head)
  );
}
