import { z } from 'zod';

/** devlog schema 1.0 (`shared/seeds/devlog-schema.md`). The shipped JSON Schema is generated
 *  from these definitions (scripts/write-json-schema.ts), so the two cannot drift apart. */

const IsoDate = z.iso.datetime({ offset: true });

export const GitInfo = z.object({
  remote: z.string().nullable(),
  branch: z.string(),
  commit: z.string().regex(/^[0-9a-f]{40,64}$/),
});
export type GitInfo = z.infer<typeof GitInfo>;

const UserEntry = z.object({
  type: z.literal('user'),
  timestamp: IsoDate,
  content: z.string(),
});

const AssistantEntry = z.object({
  type: z.literal('assistant'),
  timestamp: IsoDate,
  content: z.string(),
  /** Set when the text is a subagent's report attributed to this session (the schema is silent
   *  on subagents, so this is an allowed extra field). */
  subagent: z
    .object({
      type: z.string().optional(),
      id: z.string().optional(),
      description: z.string().optional(),
    })
    .optional(),
});

const ToolSummaryEntry = z.object({
  type: z.literal('tool_summary'),
  actions: z.array(z.string()).min(1),
});

export const ConversationEntry = z.discriminatedUnion('type', [UserEntry, AssistantEntry, ToolSummaryEntry]);
export type ConversationEntry = z.infer<typeof ConversationEntry>;

export const DevlogDocument = z.object({
  schema_version: z.literal('1.0'),
  session_id: z.string().min(1),
  timestamp: IsoDate,
  project_dir: z.string().startsWith('/'),
  git: GitInfo.nullable(),
  conversation: z.array(ConversationEntry),
});
export type DevlogDocument = z.infer<typeof DevlogDocument>;
