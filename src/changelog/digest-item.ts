import { z } from 'zod';

/**
 * What a window remembers for an LLM evaluator's digest: the conversation's own moves, in
 * order, each clipped. Command output is not kept, except a short tail of a call that failed.
 */
export const DigestItem = z.object({
  k: z.enum(['prompt', 'reply', 'tool', 'subagent']),
  text: z.string(),
  /** For tools: the kind of work, which decides what a smaller retry digest keeps. */
  tag: z.enum(['edit', 'test', 'git', 'command', 'other']).optional(),
  callId: z.string().optional(),
  failed: z.boolean().optional(),
  /** The end of a failed call's output, redacted. */
  tail: z.string().optional(),
});
export type DigestItem = z.infer<typeof DigestItem>;

export const DIGEST_CAPS = { prompt: 2000, reply: 1200, tool: 300, subagent: 600, tail: 600, items: 400 } as const;

/** How much an item tells about the work: prompts and failures first, then edits, tests, git. */
export function relevance(item: DigestItem): number {
  if (item.k === 'prompt') return 10;
  if (item.failed) return 9;
  if (item.k === 'tool')
    return item.tag === 'edit' || item.tag === 'test' || item.tag === 'git' ? 8 : item.tag === 'command' ? 3 : 1;
  if (item.k === 'subagent') return 6;
  return 5;
}
