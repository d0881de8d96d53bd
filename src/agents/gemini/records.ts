import { z } from 'zod';

/**
 * Gemini CLI's session records (docs/gemini-cli.md). 0.61 appends one JSON record per line to
 * `<home>/.gemini/tmp/<project>/chats/session-<time>-<id8>.jsonl`: a metadata record first,
 * then each message; a message that changes (its tokens, its completed tool calls) is appended
 * again whole under the same id, and `{"$set": {…}}` records update the metadata. Older releases
 * kept the same records in one JSON document (`session-….json`, `{…metadata, messages: […]}`)
 * rewritten on every change. Schemas are loose: unknown fields are ignored and a field of the
 * wrong type counts as absent.
 */

const text = z.string().optional().catch(undefined);

export const Metadata = z.looseObject({ sessionId: z.string(), startTime: text, projectHash: text });

/** A part of `content`: only text parts are conversation; the rest (inline data, function parts) is not. */
const Part = z.looseObject({ text: text });
export const Content = z
  .union([z.string(), z.array(Part), Part])
  .optional()
  .catch(undefined);

export const ToolCall = z.looseObject({
  id: z.string(),
  name: z.string(),
  args: z.unknown(),
  result: z.unknown(),
  status: text,
  resultDisplay: z.unknown(),
  timestamp: text,
});
export type ToolCall = z.infer<typeof ToolCall>;

export const Message = z.looseObject({
  id: z.string(),
  timestamp: text,
  type: z.string(),
  content: Content,
  displayContent: Content,
  toolCalls: z.array(z.unknown()).optional().catch(undefined),
});
export type Message = z.infer<typeof Message>;

/** The text of a message's content: a string, or its text parts joined. */
export function contentText(content: z.infer<typeof Content>): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  const parts = Array.isArray(content) ? content : [content];
  return parts.map((p) => p.text ?? '').join('');
}

const FunctionResponse = z.looseObject({
  functionResponse: z.looseObject({
    response: z.looseObject({ output: text, error: text }).optional().catch(undefined),
  }),
});

/** What a tool call returned to the model: its output, or its error. */
export function resultText(result: unknown): { output?: string; error?: string } {
  const parts = Array.isArray(result) ? result : [result];
  for (const p of parts) {
    const r = FunctionResponse.safeParse(p);
    const response = r.success ? r.data.functionResponse.response : undefined;
    if (response?.output !== undefined || response?.error !== undefined) {
      return {
        ...(response.output !== undefined && { output: response.output }),
        ...(response.error !== undefined && { error: response.error }),
      };
    }
  }
  return {};
}
