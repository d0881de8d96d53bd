/**
 * Reading a session file no agent adapter knows (seeds/processing-generic.md): which shape it is,
 * and its messages as generic records, in order. Pure: the caller reads the file and hands over
 * its text. The file is untrusted, so the work is bounded: files past MAX_FILE_CHARS are refused,
 * at most MAX_RECORDS records are read, every text, id and tool input is cut (record.ts), and no
 * regex runs over the text as a whole.
 *
 * Shapes, tried in this order:
 * - a JSON document (the text parses whole): `json-array`, an array of messages; or
 *   `messages-document`, an object with a `messages` or `conversation` list (or
 *   `conversation.messages`), whose `cwd` / `project_dir`, if any, is where the session ran;
 * - JSONL (one JSON value a line, starting with `{`): `langchain` when most messages are LangChain
 *   `type: human|ai|tool|system`, else `role-content-jsonl` (raw API logs: `role` + `content`,
 *   OpenAI Responses items). A file whose lines are Claude Code or Codex records is refused, so
 *   it is read by its own adapter rather than half-read here;
 * - `markdown`: turns under `## Human` / `## Assistant` headings or `**User:**` labels, with both a
 *   person's and an assistant's turn (a `.md` file is only ever read this way).
 * Anything else is `ok: false` with a reason that says what was looked for.
 */

import { z } from 'zod';
import { withRedactionBeforeCut } from '../../adapters/common/clip.js';
import { readMarkdown } from './markdown.js';
import { classify, type Dialect, type Foreign, readMessage } from './messages.js';
import { type GenericRecord, MAX_FILE_CHARS, MAX_RECORDS } from './record.js';
import { boundedCwd } from './text.js';
import { isRecord } from '../../kit/plain-object.js';

const GenericShape = z.enum(['role-content-jsonl', 'langchain', 'json-array', 'messages-document', 'markdown']);
type GenericShape = z.infer<typeof GenericShape>;

export type GenericRead =
  | {
      ok: true;
      shape: GenericShape;
      records: GenericRecord[];
      /** Lines or items that were not messages (metadata, invalid JSON, unknown roles). */
      skipped: number;
      /** The file had more than MAX_RECORDS records; the rest were not read. */
      truncated: boolean;
    }
  | { ok: false; reason: string };

export interface ReadOptions {
  /**
   * Applied to text before it is cut (as LineContext.redact is for the adapters): a secret across
   * a cut would otherwise survive in part, unrecognisable to redaction later.
   */
  redact?: (text: string) => string;
}

const LOOKED_FOR =
  'looked for JSONL messages with `role` (user/assistant/system/tool) or LangChain `type` (human/ai/tool/system), ' +
  'a JSON array of such messages, a JSON object with a `messages` or `conversation` list, ' +
  'or Markdown turns under `## Human` / `## Assistant` (or `## User`, `**User:**`) headings';

const FOREIGN_NAMES: Record<Foreign, string> = { 'claude-code': 'Claude Code', codex: 'Codex' };

const fail = (reason: string): GenericRead => ({ ok: false, reason });

/** Records of a list of message values, in order, up to MAX_RECORDS. */
class Collector {
  readonly records: GenericRecord[] = [];
  skipped = 0;
  truncated = false;
  readonly dialects: Record<Dialect, number> = { role: 0, langchain: 0 };
  readonly foreign: Record<Foreign, number> = { 'claude-code': 0, codex: 0 };

  get full(): boolean {
    return this.records.length >= MAX_RECORDS;
  }

  add(value: unknown): void {
    const kind = classify(value);
    if (kind === 'claude-code' || kind === 'codex') {
      this.foreign[kind]++;
      return;
    }
    if (kind === undefined) {
      this.skipped++;
      return;
    }
    const records = readMessage(value, kind);
    if (records.length === 0) {
      this.skipped++;
      return;
    }
    this.dialects[kind]++;
    for (const record of records) {
      if (this.full) {
        this.truncated = true;
        return;
      }
      this.records.push(record);
    }
  }

  /** How many values were messages of either dialect. */
  get messages(): number {
    return this.dialects.role + this.dialects.langchain;
  }

  /** The other agent whose records outnumber the messages, if any. */
  mostlyForeign(): Foreign | undefined {
    const top: Foreign = this.foreign['claude-code'] >= this.foreign.codex ? 'claude-code' : 'codex';
    const count = this.foreign[top];
    return count > 0 && count >= this.messages ? top : undefined;
  }

  result(shape: GenericShape): GenericRead {
    return {
      ok: true,
      shape,
      records: this.records,
      skipped: this.skipped + this.foreign['claude-code'] + this.foreign.codex,
      truncated: this.truncated,
    };
  }
}

function extensionOf(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

function foreignReason(agent: Foreign): string {
  return `this is a ${FOREIGN_NAMES[agent]} transcript: read it with the ${agent} adapter, not the generic reader`;
}

/** The message list of a document: itself, or its `messages` / `conversation` / `conversation.messages`. */
function messageList(doc: Record<string, unknown>): unknown[] | undefined {
  const conversation = doc['conversation'];
  for (const candidate of [
    doc['messages'],
    conversation,
    isRecord(conversation) ? conversation['messages'] : undefined,
  ]) {
    if (Array.isArray(candidate)) return candidate;
  }
  return undefined;
}

function fromDocument(doc: unknown): GenericRead {
  const collector = new Collector();
  let shape: GenericShape;
  let items: unknown[];
  if (Array.isArray(doc)) {
    shape = 'json-array';
    items = doc;
  } else if (isRecord(doc) && messageList(doc) !== undefined) {
    shape = 'messages-document';
    items = messageList(doc) ?? [];
  } else {
    // One message on its own: a JSONL file of one line.
    collector.add(doc);
    if (collector.messages === 0) {
      const foreign = collector.mostlyForeign();
      return fail(
        foreign !== undefined ? foreignReason(foreign) : `a JSON document that is not a conversation: ${LOOKED_FOR}`,
      );
    }
    return collector.result(collector.dialects.langchain > 0 ? 'langchain' : 'role-content-jsonl');
  }
  for (const item of items) {
    if (collector.full) {
      collector.truncated = true;
      break;
    }
    collector.add(item);
  }
  if (collector.messages === 0) {
    const foreign = collector.mostlyForeign();
    if (foreign !== undefined) return fail(foreignReason(foreign));
    return fail(
      `a ${shape === 'json-array' ? 'JSON array' : 'JSON messages list'} with no messages in it (${items.length} items): ${LOOKED_FOR}`,
    );
  }
  if (isRecord(doc)) withDocumentCwd(collector.records, doc);
  return collector.result(shape);
}

/**
 * A document's own `cwd` / `project_dir` (where the session ran) given to its first record, so the
 * adapter shows paths relative to it as it does for the agents that record one.
 */
function withDocumentCwd(records: GenericRecord[], doc: Record<string, unknown>): void {
  const raw = doc['cwd'] ?? doc['project_dir'];
  const cwd = boundedCwd(typeof raw === 'string' ? raw : undefined);
  const first = records[0];
  if (cwd !== undefined && first !== undefined && first.cwd === undefined) records[0] = { ...first, cwd };
}

function fromJsonLines(text: string): GenericRead {
  const collector = new Collector();
  let lines = 0;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(pos, end);
    pos = end + 1;
    if (line.trim() === '') continue;
    if (collector.full) {
      collector.truncated = true;
      break;
    }
    lines++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // A line that is not JSON (cut off, a log line between records) is counted and passed over.
      collector.skipped++;
      continue;
    }
    collector.add(value);
  }
  const foreign = collector.mostlyForeign();
  if (foreign !== undefined) return fail(foreignReason(foreign));
  if (collector.messages === 0)
    return fail(`neither one JSON document nor JSONL with message records (${lines} lines): ${LOOKED_FOR}`);
  return collector.result(collector.dialects.langchain > collector.dialects.role ? 'langchain' : 'role-content-jsonl');
}

function fromMarkdown(text: string, why: string): GenericRead {
  const md = readMarkdown(text);
  if (!md.bothSides) return fail(`${why}: ${LOOKED_FOR}`);
  return { ok: true, shape: 'markdown', records: md.records, skipped: 0, truncated: md.truncated };
}

/** The first character that is not whitespace, or '' for none. */
function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') return ch;
  }
  return '';
}

function read(raw: string, fileName: string): GenericRead {
  const ext = extensionOf(fileName);
  if (ext === 'sqlite' || ext === 'db' || ext === 'sqlite3')
    return fail('a SQLite database: the generic reader reads text session files only');
  if (raw.length > MAX_FILE_CHARS)
    return fail(`too large to read (${raw.length} characters; the generic reader reads up to ${MAX_FILE_CHARS})`);
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const first = firstNonSpace(text);
  if (first === '') return fail('an empty file: no messages in it');
  if (text.slice(0, 8192).includes('\u0000')) return fail('binary data, not a text session file');
  if (ext === 'md' || ext === 'markdown') return fromMarkdown(text, 'a Markdown file with no conversation turns');
  if (first === '[' || first === '{') {
    let doc: unknown;
    let whole = true;
    try {
      doc = JSON.parse(text);
    } catch {
      // Not one JSON document: JSONL (below) when it starts like an object line.
      whole = false;
    }
    if (whole) return fromDocument(doc);
    if (first === '{') return fromJsonLines(text);
    return fail(`starts like a JSON array but is not valid JSON: ${LOOKED_FOR}`);
  }
  return fromMarkdown(text, 'no known session shape');
}

/**
 * The shape of a session file and its messages as generic records, or why it could not be read.
 * `fileName` is only used for its extension (`.md` is read as Markdown, `.db` refused).
 */
export function readGeneric(text: string, fileName: string, options: ReadOptions = {}): GenericRead {
  return withRedactionBeforeCut(options.redact, () => read(text, fileName));
}
