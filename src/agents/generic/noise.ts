/**
 * What of a message is not conversation (seeds/processing-generic.md, "Noise"): instructions a
 * harness injects into a user turn, wrapped in XML-like tags (`<instructions>`, `<context>`,
 * `<rules>`, `<system-reminder>`, …). Tags are found with indexOf, so the cost is linear however
 * the text is built.
 */

import { stripClosedBlocks } from '../../adapters/common/bounded-state.js';

/** Tags harnesses wrap injected context in; a closed block of one is removed from a prompt. */
const INJECTED_TAGS = [
  'instructions',
  'context',
  'rules',
  'system',
  'system-reminder',
  'system_reminder',
  'environment_context',
  'user_instructions',
  'env',
];

/** The longest tag name taken for a wrapper. */
const MAX_TAG = 40;

/** Whether the whole text is one `<tag>…</tag>` block: a wrapper of some harness, not typing. */
function isWrapped(text: string): boolean {
  if (!text.startsWith('<')) return false;
  const gt = text.indexOf('>');
  if (gt < 2 || gt > MAX_TAG + 1) return false;
  const name = text.slice(1, gt);
  if (!/^[A-Za-z][\w-]*$/.test(name)) return false;
  return text.endsWith(`</${name}>`);
}

/** What the person typed in a user turn, or undefined when it held nothing they typed. */
export function promptText(raw: string): string | undefined {
  let text = raw;
  for (const tag of INJECTED_TAGS) text = stripClosedBlocks(text, tag);
  text = text.trim();
  if (text === '' || isWrapped(text)) return undefined;
  return text;
}
