/**
 * The normalised message every generic session shape is read into (shapes.ts), and what the
 * generic adapter reads back, one record per line (index.ts). One record is one turn of one
 * speaker: what a person typed, what the model said and the tools it called, or one tool's
 * result. Everything in it is already bounded by readGeneric; the adapter bounds it again, since
 * a line it is handed need not have come from readGeneric.
 */

import { z } from 'zod';

/** `system` stands for `developer` too; `tool` for OpenAI `function` results. */
export const GenericRole = z.enum(['user', 'assistant', 'system', 'tool']);
export type GenericRole = z.infer<typeof GenericRole>;

/**
 * A tool's input, flattened to what naming the call needs (a command, a path, a working folder):
 * the top-level string and string-list fields. Nested values (edit lists, file contents as
 * objects) are dropped, so the record stays small whatever the tool was given.
 */
export const GenericToolInput = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
export type GenericToolInput = z.infer<typeof GenericToolInput>;

export const GenericToolCall = z.object({
  /** The id the result names the call by; absent when the format has none (results then pair in order). */
  id: z.string().optional(),
  name: z.string(),
  input: GenericToolInput.optional(),
});
export type GenericToolCall = z.infer<typeof GenericToolCall>;

export const GenericToolResult = z.object({
  /** The id of the call this answers. */
  id: z.string().optional(),
  /** The tool's name, when the format gives it: pairs a result without an id. */
  name: z.string().optional(),
  /** The head and tail of the output (the middle of a long one is left out). */
  output: z.string().optional(),
  /** The format said the call failed (Anthropic `is_error`, LangChain `status: "error"`). */
  isError: z.boolean().optional(),
});
export type GenericToolResult = z.infer<typeof GenericToolResult>;

export const GenericRecord = z.object({
  role: GenericRole,
  /** The message's text, blocks joined by blank lines; images and base64 data left out. */
  text: z.string().optional(),
  /** Tool calls an assistant message made, in order. */
  tools: z.array(GenericToolCall).optional(),
  /** For `role: "tool"`: the one result this record carries. */
  toolResult: GenericToolResult.optional(),
  /** ISO 8601 UTC time of the message, when the format recorded one. */
  at: z.string().optional(),
  /** The working folder the format recorded for the message, if any. */
  cwd: z.string().optional(),
});
export type GenericRecord = z.infer<typeof GenericRecord>;

/** How many records one file gives at most: past this the file is cut, and says so. */
export const MAX_RECORDS = 20_000;
/** Longest message text kept. Longer texts are pasted files or dumps; their start is what matters. */
export const MAX_TEXT_CHARS = 32_000;
/** Tool calls kept from one message. */
export const MAX_TOOLS_PER_RECORD = 64;
/** Keys kept from one tool input, and items from one string list in it. */
export const MAX_INPUT_KEYS = 32;
export const MAX_INPUT_ITEMS = 64;
/**
 * Longest input value kept. Above MAX_FILE_OP_COMMAND_CHARS (src/adapters/common/limits.ts), so a
 * command that is cut was too long to be read for rm/mv anyway, and its meaning is unchanged.
 */
export const MAX_INPUT_VALUE_CHARS = 8192;
/** The longest input key kept: real keys are short identifiers. */
export const MAX_INPUT_KEY_CHARS = 64;
/** Longest tool `arguments` string parsed as JSON (OpenAI gives the input as a JSON string). */
export const MAX_ARGUMENTS_CHARS = 1024 * 1024;
/** The largest file readGeneric reads at all (in UTF-16 units, near enough bytes for text). */
export const MAX_FILE_CHARS = 32 * 1024 * 1024;
