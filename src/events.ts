import { z } from 'zod';

/**
 * The common events every transcript adapter produces. Adapters are pure functions from one
 * transcript line (plus a small serialisable state) to zero or more of these; everything after
 * the adapter — devlog reducer, window tracker, evaluators — only ever sees this vocabulary, so a
 * new agent format is one new adapter, not a second pipeline.
 */

/** ISO 8601 UTC time taken from the transcript record, when the record had one. */
const at = z.string().optional();

export const FileChange = z.object({
  path: z.string(),
  op: z.enum(['created', 'modified', 'deleted', 'moved', 'read']),
  /** For `moved`: the old path. */
  from: z.string().optional(),
});
export type FileChange = z.infer<typeof FileChange>;

/** Who produced an event when it was not the main agent: a subagent / sidechain. */
export const Subagent = z.object({
  id: z.string().optional(),
  type: z.string().optional(),
});
export type Subagent = z.infer<typeof Subagent>;

const SessionMetaEvent = z.object({
  kind: z.literal('session'),
  at,
  sessionId: z.string().optional(),
  cwd: z.string().optional(),
  gitBranch: z.string().optional(),
  version: z.string().optional(),
});

/** Text a human typed. Never tool output, injected context, or command wrappers. */
const PromptEvent = z.object({
  kind: z.literal('prompt'),
  at,
  text: z.string(),
  /** Stable id of the record (uuid), used to drop re-written copies of one prompt. */
  id: z.string().optional(),
});

/** Assistant text. Events sharing `messageId` belong to one message and are merged. */
const ReplyEvent = z.object({
  kind: z.literal('reply'),
  at,
  text: z.string(),
  messageId: z.string(),
  /** Id of the record that carried this piece, so a re-written copy is not merged twice. */
  partId: z.string().optional(),
});

/** A tool invocation, already summarised as a devlog action string (`edited src/a.ts`). */
const ToolCallEvent = z.object({
  kind: z.literal('tool_call'),
  at,
  callId: z.string(),
  messageId: z.string().optional(),
  tool: z.string(),
  /** The devlog action, e.g. `edited src/a.ts`, `ran npm test`, `used WebSearch`. */
  action: z.string(),
  /** Files this call changes (or reads). Whether a write created the file may be settled later
   *  by the matching tool_result's `files`. */
  files: z.array(FileChange).default([]),
  /** The shell command for command-running tools. */
  command: z.string().optional(),
  subagent: Subagent.optional(),
});

/**
 * What became of a call that did not do what it set out to. `failed`: it ran, or the tool tried,
 * and it did not work (a non-zero exit, an old_string not in the file). `refused`: it never ran
 * (no permission, a precondition of the tool such as reading a file before writing it).
 * `interrupted`: it was stopped before it finished (the user, a signal, a timeout, the session
 * ending).
 */
export const ToolOutcome = z.enum(['failed', 'refused', 'interrupted']);
export type ToolOutcome = z.infer<typeof ToolOutcome>;

/** The outcome of a tool call. */
const ToolResultEvent = z.object({
  kind: z.literal('tool_result'),
  at,
  callId: z.string(),
  /** Set for every result with an `outcome`, so consumers that only know `isError` never count
   *  a refused or interrupted call as done. */
  isError: z.boolean(),
  /** Absent when the call succeeded. */
  outcome: ToolOutcome.optional(),
  /** A short human reason for the outcome (`exit 2`, `old_string not found`, `not permitted`),
   *  from the adapter's own fixed wording, never text copied from the transcript. */
  reason: z.string().optional(),
  exitCode: z.number().int().optional(),
  /** Tail of the output, capped by the adapter (a few KiB), for test results and commit hashes. */
  output: z.string().optional(),
  /** Authoritative file effects known only from the result (e.g. Write `create` vs `update`). */
  files: z.array(FileChange).optional(),
  subagent: Subagent.optional(),
});

/** The final report of a subagent, attributed to the parent session. */
const SubagentResultEvent = z.object({
  kind: z.literal('subagent_result'),
  at,
  agentId: z.string().optional(),
  agentType: z.string().optional(),
  description: z.string().optional(),
  text: z.string(),
});

/** The transcript points at a separate subagent transcript that should be read at this point. */
const SubagentRefEvent = z.object({
  kind: z.literal('subagent_ref'),
  at,
  agentId: z.string(),
  agentType: z.string().optional(),
});

/** The agent compacted its context; the summary record itself is not conversation. */
const CompactionEvent = z.object({
  kind: z.literal('compaction'),
  at,
});

/** A line the adapter could not use. Counted per reason in the run record, never fatal. */
const SkippedEvent = z.object({
  kind: z.literal('skipped'),
  reason: z.string(),
});

export const AgentEvent = z.discriminatedUnion('kind', [
  SessionMetaEvent,
  PromptEvent,
  ReplyEvent,
  ToolCallEvent,
  ToolResultEvent,
  SubagentResultEvent,
  SubagentRefEvent,
  CompactionEvent,
  SkippedEvent,
]);
export type AgentEvent = z.infer<typeof AgentEvent>;
export type EventOf<K extends AgentEvent['kind']> = Extract<AgentEvent, { kind: K }>;
