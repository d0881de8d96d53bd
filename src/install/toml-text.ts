/**
 * Finding statements in the text of a TOML file so it can be edited in place: the scanner gives
 * each header, key/value, comment and blank line with its offsets, and the writers produce TOML
 * the way a person would. The text is always checked with smol-toml first, so only the shapes of
 * valid TOML need handling here. Used for Codex's config.toml (codex-config.ts).
 */

import { ShiplogError } from '../kit/shiplog-error.js';

/** A config file shiplog will not edit (invalid, or shaped so an edit could change its meaning); the message says what to do. */
export class ConfigEditError extends ShiplogError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ECONFIGEDIT', message, options);
    this.name = 'ConfigEditError';
  }
}

// ---------------------------------------------------------------------------------------------
// Statement scanner: splits valid TOML into line-based statements with offsets for text edits.

export type Stmt =
  | { kind: 'blank' | 'comment'; start: number; end: number }
  | {
      kind: 'header';
      array: boolean;
      path: string[];
      start: number;
      end: number;
      bracketStart: number;
      bracketEnd: number;
    }
  | {
      kind: 'keyval';
      table: string[];
      path: string[];
      start: number;
      end: number;
      valueStart: number;
      valueEnd: number;
    };
export type KeyVal = Extract<Stmt, { kind: 'keyval' }>;

const ESCAPES: Record<string, string> = {
  b: '\b',
  t: '\t',
  n: '\n',
  f: '\f',
  r: '\r',
  e: '\x1b',
  '"': '"',
  '\\': '\\',
};

function decodeKey(raw: string): string {
  const inner = raw.slice(1, -1);
  if (raw.startsWith("'")) return inner;
  return inner.replace(
    /\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|(.))/g,
    (_m, u4?: string, u8?: string, x2?: string, c?: string) => {
      const hex = u4 ?? u8 ?? x2;
      if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16));
      const decoded = c === undefined ? undefined : ESCAPES[c];
      if (decoded === undefined) throw new ConfigEditError(`config.toml: unsupported escape \\${c ?? ''} in a key`);
      return decoded;
    },
  );
}

class Cursor {
  p: number;
  constructor(
    readonly s: string,
    start = 0,
  ) {
    this.p = start;
  }
  atEol(): boolean {
    return this.s[this.p] === '\n' || (this.s[this.p] === '\r' && this.s[this.p + 1] === '\n');
  }
  skipWs(): void {
    while (this.s[this.p] === ' ' || this.s[this.p] === '\t') this.p++;
  }
  /** Whitespace, newlines and comments between array elements. */
  skipGap(): void {
    for (;;) {
      const c = this.s[this.p];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.p++;
      else if (c === '#') this.toEol();
      else return;
    }
  }
  toEol(): void {
    while (this.p < this.s.length && this.s[this.p] !== '\n') this.p++;
  }
  /** Past the newline ending the current line (trailing whitespace and comment included). */
  nextLine(): void {
    this.toEol();
    if (this.p < this.s.length) this.p++;
  }
  fail(what: string): never {
    const line = this.s.slice(0, this.p).split('\n').length;
    throw new ConfigEditError(`config.toml line ${line}: cannot read ${what}`);
  }
  string(): void {
    const q = this.s[this.p];
    if (q !== '"' && q !== "'") this.fail('a string');
    const triple = q.repeat(3);
    const multi = this.s.startsWith(triple, this.p);
    this.p += multi ? 3 : 1;
    for (;;) {
      if (this.p >= this.s.length) this.fail('a string');
      if (q === '"' && this.s[this.p] === '\\') this.p += 2;
      else if (multi && this.s.startsWith(triple, this.p)) {
        this.p += 3;
        // Up to two quotes right before the closing delimiter belong to the content.
        for (let extra = 0; extra < 2 && this.s[this.p] === q; extra++) this.p++;
        return;
      } else if (!multi && this.s[this.p] === q) {
        this.p++;
        return;
      } else this.p++;
    }
  }
  value(): void {
    const c = this.s[this.p];
    if (c === '"' || c === "'") return this.string();
    if (c === '[' || c === '{') return this.nested();
    this.scalar();
  }
  /** An array or inline table, to its matching close; brackets in its strings and comments do not count. */
  nested(): void {
    let depth = 0;
    do {
      const d = this.s[this.p];
      if (d === undefined) this.fail('a value');
      if (d === '"' || d === "'") {
        this.string();
        continue;
      }
      if (d === '#') {
        this.toEol();
        continue;
      }
      if (d === '[' || d === '{') depth++;
      else if (d === ']' || d === '}') depth--;
      this.p++;
    } while (depth > 0);
  }
  /** Scalars (numbers, booleans, dates that may contain a space) end at a delimiter; drop trailing blanks. */
  scalar(): void {
    const start = this.p;
    while (this.p < this.s.length && !'#,]}\n'.includes(this.s[this.p] ?? '') && !this.atEol()) this.p++;
    while (this.p > start && (this.s[this.p - 1] === ' ' || this.s[this.p - 1] === '\t')) this.p--;
    if (this.p === start) this.fail('a value');
  }
  key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipWs();
      const start = this.p;
      const c = this.s[this.p];
      if (c === '"' || c === "'") {
        this.string();
        parts.push(decodeKey(this.s.slice(start, this.p)));
      } else {
        while (/[A-Za-z0-9_-]/.test(this.s[this.p] ?? '')) this.p++;
        if (this.p === start) this.fail('a key');
        parts.push(this.s.slice(start, this.p));
      }
      this.skipWs();
      if (this.s[this.p] !== '.') return parts;
      this.p++;
    }
  }
  expect(token: string): void {
    if (!this.s.startsWith(token, this.p)) this.fail(`"${token}"`);
    this.p += token.length;
  }
}

/** Assumes text already parsed with smol-toml, so only the shape of valid TOML needs handling. */
export function scan(text: string): Stmt[] {
  const out: Stmt[] = [];
  const c = new Cursor(text);
  let table: string[] = [];
  while (c.p < text.length) {
    const start = c.p;
    c.skipWs();
    const ch = text[c.p];
    if (ch === undefined || c.atEol() || ch === '#') {
      c.nextLine();
      out.push({ kind: ch === '#' ? 'comment' : 'blank', start, end: c.p });
    } else if (ch === '[') {
      const bracketStart = c.p;
      const array = text[c.p + 1] === '[';
      c.p += array ? 2 : 1;
      const path = c.key();
      c.expect(array ? ']]' : ']');
      const bracketEnd = c.p;
      c.nextLine();
      table = path;
      out.push({ kind: 'header', array, path, start, end: c.p, bracketStart, bracketEnd });
    } else {
      const path = c.key();
      c.expect('=');
      c.skipWs();
      const valueStart = c.p;
      c.value();
      const valueEnd = c.p;
      c.nextLine();
      out.push({ kind: 'keyval', table, path, start, end: c.p, valueStart, valueEnd });
    }
  }
  return out;
}

/** Spans of the elements of the array literal starting at `open`. */
export function arrayElements(text: string, open: number): { start: number; end: number }[] {
  const c = new Cursor(text, open);
  c.expect('[');
  const elements: { start: number; end: number }[] = [];
  for (;;) {
    c.skipGap();
    if (text[c.p] === ']') return elements;
    const start = c.p;
    c.value();
    elements.push({ start, end: c.p });
    c.skipGap();
    if (text[c.p] === ',') c.p++;
  }
}

export const samePath = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const extendsPath = (a: readonly string[], prefix: readonly string[]) =>
  a.length > prefix.length && prefix.every((x, i) => x === a[i]);

export function headers(stmts: Stmt[], path: string[], array: boolean): number[] {
  return stmts.flatMap((s, i) => (s.kind === 'header' && s.array === array && samePath(s.path, path) ? [i] : []));
}

/** Statements after the header at i that belong to it: its keys and sub-tables. */
function sectionIndexes(stmts: Stmt[], i: number): { last: number; next: number } {
  const own = stmts[i];
  if (own?.kind !== 'header') throw new Error('sectionIndexes: not a header');
  let last = i;
  let k = i + 1;
  for (; k < stmts.length; k++) {
    const s = stmts[k];
    if (s === undefined) break;
    if (s.kind === 'header' && !extendsPath(s.path, own.path)) break;
    if (s.kind !== 'blank' && s.kind !== 'comment') last = k;
  }
  return { last, next: k };
}

/**
 * Text to delete with the table at i. Trailing comments and blank lines stay (they introduce what
 * follows); one blank line before the header goes, since that is what appending a table adds.
 */
export function removalRange(stmts: Stmt[], i: number): { start: number; end: number } {
  const header = stmts[i];
  const lastStmt = stmts[sectionIndexes(stmts, i).last];
  if (header === undefined || lastStmt === undefined) throw new Error('removalRange: bad index');
  const before = stmts[i - 1];
  return { start: before?.kind === 'blank' ? before.start : header.start, end: lastStmt.end };
}

export function keyvalInSection(stmts: Stmt[], i: number, key: string[]): KeyVal | undefined {
  for (let k = i + 1; k < stmts.length; k++) {
    const s = stmts[k];
    if (s === undefined || s.kind === 'header') return undefined;
    if (s.kind === 'keyval' && samePath(s.path, key)) return s;
  }
  return undefined;
}

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export function applyEdits(text: string, edits: Edit[]): string {
  let out = '';
  let last = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    if (e.start < last) throw new Error('applyEdits: overlapping edits');
    out += text.slice(last, e.start) + e.text;
    last = e.end;
  }
  return out + text.slice(last);
}

// ---------------------------------------------------------------------------------------------
// Writing TOML

export const eolOf = (text: string) => (text.includes('\r\n') ? '\r\n' : '\n');

export function basicString(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: TOML basic strings must escape every control character
  const escaped = s.replace(/[\\"\u0000-\u001f\u007f]/g, (ch) => {
    const short: Record<string, string> = {
      '\\': '\\\\',
      '"': '\\"',
      '\b': '\\b',
      '\t': '\\t',
      '\n': '\\n',
      '\f': '\\f',
      '\r': '\\r',
    };
    return short[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}

export const inlineArray = (argv: string[]) => `[${argv.map(basicString).join(', ')}]`;

/** Appends a block (lines ending in eol) after a blank line, starting on a fresh line. */
export function appendBlock(text: string, block: string): string {
  if (text === '') return block;
  const eol = eolOf(text);
  return `${text.endsWith('\n') ? text : text + eol}${eol}${block}`;
}
