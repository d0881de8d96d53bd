/**
 * Markdown chat exports: turns under a heading that names the speaker (`## Human`, `## Assistant`,
 * `### User:`) or a bold label opening the line (`**User:** fix the bug`, `**Assistant**:`).
 * Headings inside fenced code blocks are code, not turns; text before the first turn (a title,
 * export notes) is not conversation. The text is walked line by line with indexOf, and the one
 * regex (trailing `#`s of a heading) only sees lines short enough to be headings, so the work is
 * linear in the file.
 */

import type { GenericRecord, GenericRole } from './record.js';
import { MAX_RECORDS } from './record.js';
import { messageText } from './text.js';

const SPEAKERS: Record<string, GenericRole> = {
  human: 'user',
  user: 'user',
  you: 'user',
  assistant: 'assistant',
  ai: 'assistant',
  claude: 'assistant',
  chatgpt: 'assistant',
  model: 'assistant',
  system: 'system',
};

/** Headings and labels are short; a longer line is text. */
const MAX_HEADING_LINE = 120;
/** A bold label's closing `**` comes within this many characters. */
const MAX_LABEL = 24;

interface Turn {
  role: GenericRole;
  /** Where the turn's text starts in the file, and text from the label's own line. */
  start: number;
  inline: string;
}

function speaker(label: string): GenericRole | undefined {
  let name = label.trim();
  if (name.endsWith(':')) name = name.slice(0, -1).trimEnd();
  return Object.hasOwn(SPEAKERS, name.toLowerCase()) ? SPEAKERS[name.toLowerCase()] : undefined;
}

/** `## Human` / `### Assistant:`: a heading whose whole text is a speaker. */
function headingSpeaker(line: string): GenericRole | undefined {
  let level = 0;
  while (level < line.length && line[level] === '#') level++;
  if (level === 0 || level > 6 || (line[level] !== ' ' && line[level] !== '\t')) return undefined;
  return speaker(line.slice(level).replace(/[ \t#]+$/, ''));
}

/** `**User:** text` / `**User**: text` / `**User**` alone: the speaker and the text after the label. */
function boldSpeaker(line: string): { role: GenericRole; rest: string } | undefined {
  if (!line.startsWith('**')) return undefined;
  const close = line.indexOf('**', 2);
  if (close < 3 || close > 2 + MAX_LABEL) return undefined;
  const inner = line.slice(2, close).trim();
  let rest = line.slice(close + 2);
  const colonInside = inner.endsWith(':');
  const colonAfter = rest.startsWith(':');
  if (colonAfter) rest = rest.slice(1);
  // A bold word opening a sentence (`**User** accounts are…`) is no label.
  if (!colonInside && !colonAfter && rest.trim() !== '') return undefined;
  const role = speaker(inner);
  return role === undefined ? undefined : { role, rest: rest.trim() };
}

/** A turn's text without the horizontal rules exporters put between turns. */
function turnText(inline: string, body: string): string | undefined {
  let text = (inline === '' ? body : `${inline}\n${body}`).trim();
  for (;;) {
    const last = text.lastIndexOf('\n');
    const line = text.slice(last + 1).trim();
    if (line !== '---' && line !== '***' && line !== '___') break;
    text = text.slice(0, Math.max(0, last)).trimEnd();
  }
  return messageText(text);
}

/** Who a line opens a turn for, with the text after a bold label on that same line. */
function turnOpener(line: string): { role: GenericRole; inline: string } | undefined {
  // A bold label may open a long line of text; a heading is a short line of its own.
  const heading = line.length <= MAX_HEADING_LINE ? headingSpeaker(line) : undefined;
  if (heading !== undefined) return { role: heading, inline: '' };
  const bold = boldSpeaker(line);
  return bold === undefined ? undefined : { role: bold.role, inline: bold.rest };
}

export interface MarkdownRead {
  records: GenericRecord[];
  truncated: boolean;
  /** Whether both a person's and an assistant's turn were found: what makes it a chat export. */
  bothSides: boolean;
}

export function readMarkdown(text: string): MarkdownRead {
  const records: GenericRecord[] = [];
  let truncated = false;
  let turn: Turn | undefined;
  let inFence = false;
  const seen = new Set<GenericRole>();

  const close = (end: number): void => {
    if (turn === undefined) return;
    const body = turnText(turn.inline, text.slice(turn.start, end));
    seen.add(turn.role);
    records.push(body === undefined ? { role: turn.role } : { role: turn.role, text: body });
  };

  let pos = 0;
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const next = nl < 0 ? text.length + 1 : nl + 1;
    const line = text.slice(pos, end).trim();
    if (line.startsWith('```') || line.startsWith('~~~')) inFence = !inFence;
    else if (!inFence) {
      const opener = turnOpener(line);
      if (opener !== undefined) {
        close(pos);
        if (records.length >= MAX_RECORDS) {
          truncated = true;
          turn = undefined;
          break;
        }
        turn = { role: opener.role, start: next, inline: opener.inline };
      }
    }
    pos = next;
  }
  close(text.length);
  return { records, truncated, bothSides: seen.has('user') && seen.has('assistant') };
}
