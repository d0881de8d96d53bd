/**
 * `JSON.stringify(value, null, 2)`, written out a piece at a time: the outcome of `shiplog
 * process` over a long history lists every entry the run wrote (thousands, megabytes of JSON),
 * and building that text whole held it two and three times over at the run's end.
 */

/** Text is handed to `write` in pieces of about this many characters. */
const PIECE_CHARS = 64 * 1024;

export function writeJson(value: unknown, write: (text: string) => void): void {
  let pending = '';
  const out = (text: string) => {
    pending += text;
    if (pending.length >= PIECE_CHARS) {
      write(pending);
      pending = '';
    }
  };
  const top = serialisable(value, '');
  if (top === undefined) throw new TypeError('writeJson: the value has no JSON form');
  emit(top, '', out);
  if (pending !== '') write(pending);
}

/** The value as JSON.stringify sees it (after toJSON), or undefined where it would leave it out. */
function serialisable(value: unknown, key: string): unknown {
  const v = hasToJSON(value) ? value.toJSON(key) : value;
  return v === undefined || typeof v === 'function' || typeof v === 'symbol' ? undefined : v;
}

function hasToJSON(value: unknown): value is { toJSON: (key: string) => unknown } {
  return typeof value === 'object' && value !== null && 'toJSON' in value && typeof value.toJSON === 'function';
}

function emit(value: unknown, indent: string, out: (text: string) => void): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return out('[]');
    const inner = `${indent}  `;
    out('[');
    value.forEach((item, i) => {
      out(`${i === 0 ? '' : ','}\n${inner}`);
      const v = serialisable(item, String(i));
      if (v === undefined) out('null');
      else emit(v, inner, out);
    });
    return out(`\n${indent}]`);
  }
  if (typeof value === 'object' && value !== null) {
    const inner = `${indent}  `;
    let first = true;
    for (const [k, item] of Object.entries(value)) {
      const v = serialisable(item, k);
      if (v === undefined) continue;
      out(`${first ? '{' : ','}\n${inner}${JSON.stringify(k)}: `);
      first = false;
      emit(v, inner, out);
    }
    return out(first ? '{}' : `\n${indent}}`);
  }
  out(JSON.stringify(value));
}
