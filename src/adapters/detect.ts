import type { AgentName } from './adapter.js';

/**
 * Which agent wrote a transcript, for `shiplog process` on a file no hook named. Codex rollouts
 * are `rollout-<local time>-<thread id>.jsonl` and start with `session_meta` (or, in 0.20, a
 * header with `instructions`); anything else is read as Claude Code.
 */
export function detectAgent(fileName: string, firstLine: string): AgentName {
  if (/^rollout-.*\.jsonl$/.test(fileName)) return 'codex';
  if (/^\{"(timestamp|ordinal)":[^\n]*"type":"session_meta"/.test(firstLine)) return 'codex';
  if (/^\{"id":"[^"]+","timestamp":"[^"]*","instructions":/.test(firstLine)) return 'codex';
  return 'claude-code';
}

/** The thread id at the end of a rollout file name (UUIDv7, or v4 in old releases). */
export function threadIdFromRolloutName(fileName: string): string | undefined {
  return /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/.exec(fileName)?.[1];
}
