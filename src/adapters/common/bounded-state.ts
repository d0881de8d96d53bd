import { STATE_LIST_CAP } from './limits.js';

/** Helpers for adapter state, which is stored between runs and must stay small whatever the session's length. */

/** `list` with `item` added, dropping the oldest past `cap`. */
export function pushBounded<T>(list: readonly T[], item: T, cap = STATE_LIST_CAP): T[] {
  const next = [...list, item];
  return next.length > cap ? next.slice(next.length - cap) : next;
}

/** FNV-1a over the text: a short, stable fingerprint for "this text was already given". */
export function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${h.toString(36)}.${text.length}`;
}

/** Every closed `<name>…</name>` block removed (one indexOf pass); an unclosed tag stays, as typed. */
export function stripClosedBlocks(text: string, name: string): string {
  const open = `<${name}>`;
  const close = `</${name}>`;
  let out = '';
  let pos = 0;
  for (;;) {
    const start = text.indexOf(open, pos);
    if (start < 0) return out + text.slice(pos);
    const end = text.indexOf(close, start + open.length);
    if (end < 0) return out + text.slice(pos);
    out += text.slice(pos, start);
    pos = end + close.length;
  }
}
