/**
 * A reader for the subset of TOML that shiplog's config files use: `[table]` / `[a.b]` headers,
 * `key = value` with strings (basic and literal), integers, floats, booleans and flat arrays of
 * those, and comments. Anything else is a clear error naming the line, never a guess.
 */
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'TomlError';
  }
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

export function parseToml(text: string): TomlTable {
  const root: TomlTable = {};
  let table = root;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = stripComment(lines[i] ?? '').trim();
    if (line === '') continue;
    if (line.startsWith('[')) {
      if (!line.endsWith(']') || line.startsWith('[[')) throw new TomlError(`unsupported table header ${line}`, lineNo);
      table = enterTable(root, parseKeyPath(line.slice(1, -1), lineNo), lineNo);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new TomlError(`expected key = value, got ${JSON.stringify(line.slice(0, 40))}`, lineNo);
    const path = parseKeyPath(line.slice(0, eq), lineNo);
    const { value, rest } = parseValue(line.slice(eq + 1).trim(), lineNo);
    if (rest.trim() !== '') throw new TomlError(`unexpected text after value: ${JSON.stringify(rest.trim().slice(0, 40))}`, lineNo);
    const key = path[path.length - 1] as string;
    const target = enterTable(table, path.slice(0, -1), lineNo);
    if (key in target) throw new TomlError(`duplicate key ${path.join('.')}`, lineNo);
    target[key] = value;
  }
  return root;
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

function parseKeyPath(raw: string, lineNo: number): string[] {
  return raw.split('.').map((part) => {
    const k = part.trim();
    if (/^".*"$/.test(k) || /^'.*'$/.test(k)) return k.slice(1, -1);
    if (!BARE_KEY.test(k)) throw new TomlError(`invalid key ${JSON.stringify(raw.trim())}`, lineNo);
    return k;
  });
}

function enterTable(root: TomlTable, path: string[], lineNo: number): TomlTable {
  let t = root;
  for (const k of path) {
    const next = t[k];
    if (next === undefined) {
      const created: TomlTable = {};
      t[k] = created;
      t = created;
    } else if (typeof next === 'object' && !Array.isArray(next)) t = next;
    else throw new TomlError(`${path.join('.')} is not a table`, lineNo);
  }
  return t;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

function parseValue(src: string, lineNo: number): { value: TomlValue; rest: string } {
  if (src.startsWith('"')) {
    let out = '';
    for (let i = 1; i < src.length; i++) {
      const c = src[i] as string;
      if (c === '"') return { value: out, rest: src.slice(i + 1) };
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = src[++i];
      if (e === 'u' || e === 'U') {
        const len = e === 'u' ? 4 : 8;
        const hex = src.slice(i + 1, i + 1 + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw new TomlError('bad unicode escape', lineNo);
        out += String.fromCodePoint(Number.parseInt(hex, 16));
        i += len;
      } else if (e !== undefined && ESCAPES[e] !== undefined) out += ESCAPES[e];
      else throw new TomlError(`bad escape \\${e ?? ''}`, lineNo);
    }
    throw new TomlError('unterminated string', lineNo);
  }
  if (src.startsWith("'")) {
    const end = src.indexOf("'", 1);
    if (end < 0) throw new TomlError('unterminated string', lineNo);
    return { value: src.slice(1, end), rest: src.slice(end + 1) };
  }
  if (src.startsWith('[')) {
    const items: TomlValue[] = [];
    let rest = src.slice(1).trim();
    while (!rest.startsWith(']')) {
      if (rest === '') throw new TomlError('unterminated array (arrays must fit on one line)', lineNo);
      const parsed = parseValue(rest, lineNo);
      items.push(parsed.value);
      rest = parsed.rest.trim();
      if (rest.startsWith(',')) rest = rest.slice(1).trim();
      else if (!rest.startsWith(']')) throw new TomlError('expected , or ] in array', lineNo);
    }
    return { value: items, rest: rest.slice(1) };
  }
  const m = /^([^\s,\]]+)(.*)$/.exec(src);
  if (!m) throw new TomlError('missing value', lineNo);
  const token = m[1] as string;
  const rest = m[2] ?? '';
  if (token === 'true' || token === 'false') return { value: token === 'true', rest };
  const num = token.replace(/_/g, '');
  if (/^[+-]?\d+$/.test(num)) return { value: Number.parseInt(num, 10), rest };
  if (/^[+-]?(\d+\.\d+|\d+(\.\d+)?[eE][+-]?\d+)$/.test(num)) return { value: Number.parseFloat(num), rest };
  throw new TomlError(`unsupported value ${JSON.stringify(token.slice(0, 40))}`, lineNo);
}
