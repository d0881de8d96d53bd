/**
 * Schemas for the transcript records, content blocks, tool inputs and `toolUseResult` shapes the
 * adapter reads, plus the record types it knows and ignores. Every schema is lenient:
 * unknown fields are ignored and peripheral fields fall back to `undefined` when mistyped, so a
 * new client version that adds fields or retypes peripheral ones does not make records `skipped`.
 */

import { z } from 'zod';

const optString = z.string().optional().catch(undefined);
const optBoolean = z.boolean().optional().catch(undefined);
const optNumber = z.number().optional().catch(undefined);

/**
 * Fields shared by message records. The record-level schemas keep only the fields they name
 * (z.object): every user and assistant record passes two of them, and a loose object would copy
 * all of the record's fields into each result.
 */
export const Envelope = z.object({
  type: z.string(),
  uuid: optString,
  timestamp: optString,
  sessionId: optString,
  cwd: optString,
  gitBranch: optString,
  version: optString,
  isSidechain: optBoolean,
  isMeta: optBoolean,
  isCompactSummary: optBoolean,
  isVisibleInTranscriptOnly: optBoolean,
  agentId: optString,
});
export type Envelope = z.infer<typeof Envelope>;

const Content = z.union([z.string(), z.array(z.unknown())]);

export const UserRecord = z.object({
  message: z.looseObject({ content: Content }),
  toolUseResult: z.unknown().optional(),
  /** 2.1.330: why the client did not run the call (`user-rejected`, `permission-rule`, `interrupted`…). */
  toolDenialKind: optString,
  /** 2.1.330: `{kind: "task-notification"}` on background-task reports. */
  origin: z.looseObject({ kind: optString }).optional().catch(undefined),
});
export type UserRecord = z.infer<typeof UserRecord>;

export const AssistantRecord = z.object({
  message: z.looseObject({ id: optString, model: optString, content: Content }),
});
export type AssistantRecord = z.infer<typeof AssistantRecord>;

export const SystemRecord = z.object({ subtype: optString });

export const ProgressRecord = z.object({
  parentToolUseID: optString,
  data: z.looseObject({ type: optString, agentId: optString }).optional().catch(undefined),
});

export const TypedBlock = z.looseObject({ type: z.string() });
export const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
export const ToolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown().optional(),
});
export type ToolUseBlock = z.infer<typeof ToolUseBlock>;
export const ToolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z
    .union([z.string(), z.array(z.unknown())])
    .optional()
    .catch(undefined),
  is_error: optBoolean,
});
export type ToolResultBlock = z.infer<typeof ToolResultBlock>;

/** Tool inputs: only the fields the devlog needs. */
export const FilePathInput = z.looseObject({ file_path: z.string() });
export const NotebookInput = z.looseObject({ notebook_path: z.string() });
export const BashInput = z.looseObject({ command: z.string() });
export const SearchInput = z.looseObject({ pattern: z.string(), path: optString });
export const AgentInput = z.looseObject({ subagent_type: optString, description: optString });

/** `toolUseResult` shapes (a plain string on errors, which these simply do not match). */
export const WriteResult = z.looseObject({ type: z.string(), filePath: z.string() });
export const AgentResult = z.looseObject({
  agentId: optString,
  agentType: optString,
  description: optString,
  status: optString,
  isAsync: optBoolean,
  content: z.array(z.unknown()).optional().catch(undefined),
  totalDurationMs: optNumber,
});
export type AgentResult = z.infer<typeof AgentResult>;
export const ExitCodeResult = z.looseObject({ exitCode: z.number().int().min(-2147483648).max(2147483647) });

// Record types we know and deliberately ignore: they yield no events and are not "skipped".

export const IGNORED_TYPES = new Set([
  'progress', // 2.1.38/39 hook/bash/agent progress; agent_progress only teaches agentId links
  'file-history-snapshot',
  'file-history-delta',
  'attachment',
  'queue-operation',
  'last-prompt',
  'summary', // 1.0.x session title
  'permission-mode',
  'mode',
  'ai-title',
  'custom-title',
  'tag',
  'cost-state',
  'tools-used',
  'api-request',
  'api-request-blob',
  'api-request-shape',
  'atis-latch',
  'worktree-state',
  'pr-link',
  'continued-in',
]);
