import { z } from 'zod';
import { EvaluatorName, ToolName } from '../agents/ids.js';

/**
 * One changelog entry per finished window of work. Field names follow the ai-code-sessions entry
 * so its `rg`/`jq` recipes carry over; `transcript` says which bytes of which file it covers.
 */
export const ChangelogEntry = z.object({
  schema_version: z.literal(1),
  run_id: z.string().min(1),
  created_at: z.iso.datetime({ offset: true }),
  tool: ToolName,
  actor: z.string().min(1),
  project: z.string().min(1),
  project_root: z.string().min(1),
  label: z.string().min(1).max(120),
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  continuation_of_run_id: z.string().nullable(),
  transcript: z.object({
    session_id: z.string().min(1),
    source_jsonl: z.string().min(1),
    window_index: z.number().int().min(0),
    close_reason: z.string(),
  }),
  summary: z.string().min(1).max(500),
  bullets: z.array(z.string().min(1)).min(1).max(12),
  tags: z.array(z.string().min(1).max(64)).max(24),
  touched_files: z.object({
    created: z.array(z.string().min(1)),
    modified: z.array(z.string().min(1)),
    deleted: z.array(z.string().min(1)),
    moved: z.array(z.object({ from: z.string().min(1), to: z.string().min(1) })),
  }),
  tests: z.array(z.object({ cmd: z.string().min(1).max(500), result: z.enum(['pass', 'fail', 'unknown']) })).max(50),
  commits: z.array(z.object({ hash: z.string().min(4).max(64), message: z.string().min(1).max(300) })).max(50),
  notes: z.string().max(800).nullable(),
  /** Which LLM wrote summary, bullets, tags and notes; absent when the heuristic did. */
  evaluator: EvaluatorName.optional(),
});
export type ChangelogEntry = z.infer<typeof ChangelogEntry>;

/** One record per failed window: what failed, and whether and how it can be retried. */
export const FailureRecord = z.object({
  schema_version: z.literal(1),
  run_id: z.string().min(1),
  created_at: z.iso.datetime({ offset: true }),
  session_id: z.string().min(1),
  stage: z.enum(['evaluate', 'append', 'devlog', 'read']),
  error_code: z.string(),
  message: z.string(),
  stderr_tail: z.string().nullable(),
  retryable: z.boolean(),
  retry: z.string(),
});
export type FailureRecord = z.infer<typeof FailureRecord>;
