/**
 * Loose shapes of the Codex rollout records this adapter reads (shared/reference/codex.md §5–8).
 * The format is internal and changes between releases: unknown fields are ignored and a field of
 * the wrong type reads as absent; only a record whose core shape is unusable is skipped.
 */

import { z } from 'zod';

const str = z.string().optional().catch(undefined);
const num = z.number().optional().catch(undefined);

/** Legacy and paginated lines: `{timestamp, [ordinal,] type, payload}`. */
export interface Envelope {
  timestamp: string | undefined;
  ordinal: number | undefined;
  type: string;
  payload: unknown;
}

/**
 * The envelope of every line, checked by hand rather than with a schema: it is three fields, and
 * this runs on every record of a rollout (a zod object here was a fifth of the adapter's time).
 * The payloads, where the shapes are, go through the schemas below.
 */
export function readEnvelope(value: Record<string, unknown>): Envelope | undefined {
  const { timestamp, ordinal, type, payload } = value;
  if (typeof type !== 'string') return undefined;
  return {
    timestamp: typeof timestamp === 'string' ? timestamp : undefined,
    ordinal: typeof ordinal === 'number' ? ordinal : undefined,
    type,
    payload,
  };
}

/** Pre-envelope (0.20) first line: `{id, timestamp, instructions, git}`. */
export const PreEnvelopeHeader = z.looseObject({
  id: z.string(),
  timestamp: str,
  git: z.looseObject({ branch: str }).optional().catch(undefined),
});

export const SessionMeta = z.looseObject({
  id: str,
  timestamp: str,
  cwd: str,
  cli_version: str,
  git: z.looseObject({ branch: str }).optional().catch(undefined),
  source: z.unknown().optional(),
  forked_from_id: str,
});

export const TurnContext = z.looseObject({ cwd: str, turn_id: str });

export const MessageItem = z.looseObject({
  type: z.literal('message'),
  role: z.string(),
  id: str,
  content: z.array(z.unknown()).optional().catch(undefined),
});

export const FunctionCall = z.looseObject({
  type: z.literal('function_call'),
  name: z.string(),
  arguments: str,
  call_id: z.string(),
  id: str,
});
export const CustomToolCall = z.looseObject({
  type: z.literal('custom_tool_call'),
  name: z.string(),
  input: str,
  call_id: z.string(),
});
export const LocalShellCall = z.looseObject({
  type: z.literal('local_shell_call'),
  call_id: z.string(),
  action: z
    .looseObject({ command: z.array(z.string()).optional().catch(undefined), working_directory: str })
    .optional()
    .catch(undefined),
});
export const CallOutput = z.looseObject({
  type: z.enum(['function_call_output', 'custom_tool_call_output', 'local_shell_call_output']),
  call_id: z.string(),
  output: z.unknown(),
});
export const WebSearchCall = z.looseObject({
  type: z.literal('web_search_call'),
  id: str,
  action: z.looseObject({ type: str, query: str, url: str }).optional().catch(undefined),
});

/** `apply_patch` / FileChange `changes`: absolute path → what happened to it. */
export const Changes = z.record(
  z.string(),
  z.looseObject({ type: str, move_path: z.string().nullable().optional().catch(undefined) }),
);

export const ExecCommandEnd = z.looseObject({
  call_id: z.string(),
  command: z.array(z.string()).optional().catch(undefined),
  cwd: str,
  exit_code: num,
  aggregated_output: str,
  stdout: str,
  stderr: str,
});
export const PatchApplyEnd = z.looseObject({
  call_id: z.string(),
  success: z.boolean().optional().catch(undefined),
  changes: Changes.optional().catch(undefined),
  stderr: str,
  stdout: str,
});

/** Paginated `item_completed.item`. */
export const CompletedItem = z.looseObject({
  type: z.string(),
  id: str,
  content: z.array(z.unknown()).optional().catch(undefined),
  command: z
    .union([z.array(z.string()), z.string()])
    .optional()
    .catch(undefined),
  cwd: str,
  exit_code: num,
  aggregated_output: str,
  status: str,
  changes: Changes.optional().catch(undefined),
  stderr: str,
});
