import { z } from 'zod';
import { oneLine } from '../kit/text-lines.js';

/**
 * The part of a changelog entry an LLM evaluator writes. Everything else (files, tests,
 * commits, times) is computed locally from the transcript whatever the evaluator.
 */

const SENTENCE_END = /[.!?…][)"'`’”]*$/u;

/** A bullet is a complete sentence: starts like one, ends like one, has a few words. */
const Sentence = z
  .string()
  .transform((s) => oneLine(s).replace(/^[-*•]\s+/, ''))
  .pipe(
    z
      .string()
      .min(8)
      .max(300)
      .refine(
        (s) => /^[\p{Lu}\p{N}`"'(]/u.test(s),
        'a bullet must start like a sentence (a capital letter, a digit or a quote)',
      )
      .refine((s) => SENTENCE_END.test(s), 'a bullet must end like a sentence (., ! or ?)')
      .refine((s) => s.split(' ').length >= 3, 'a bullet must be a sentence, not a word or two'),
  );

const Tag = z
  .string()
  .transform((s) => s.trim().toLowerCase().replace(/\s+/g, '-'))
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9+#._-]{0,31}$/, 'a tag is one short lowercase word or kebab-case phrase'));

export const LlmFields = z.object({
  summary: z
    .string()
    .transform((s) => oneLine(s))
    .pipe(z.string().min(10).max(500)),
  bullets: z.array(Sentence).min(1).max(8),
  tags: z.array(Tag).max(8),
  notes: z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().max(800))
    .nullable()
    .transform((s) => (s === '' ? null : s)),
});
export type LlmFields = z.infer<typeof LlmFields>;

/**
 * The JSON Schema handed to `claude --json-schema` and `codex exec --output-schema`. Kept to
 * what OpenAI's strict structured outputs accept (every property required, no extras); lengths
 * and sentence shape are checked by `LlmFields` on what comes back.
 */
export const LLM_FIELDS_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'bullets', 'tags', 'notes'],
  properties: {
    summary: { type: 'string', description: 'One or two sentences: what changed and why, past tense.' },
    bullets: {
      type: 'array',
      items: { type: 'string' },
      description: '1 to 8 complete sentences about concrete changes, decisions and results.',
    },
    tags: { type: 'array', items: { type: 'string' }, description: 'Up to 8 lowercase keywords.' },
    notes: {
      type: ['string', 'null'],
      description: 'Open problems, follow-ups or caveats for a reviewer; null if none.',
    },
  },
} as const;
