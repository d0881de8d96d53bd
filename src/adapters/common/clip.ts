/** Clipping helpers shared by the adapters: bounded strings that never split a surrogate pair. */

/** Cut to at most `max` chars with a trailing `…`, never splitting a surrogate pair. */
export function clipEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** The last `max` chars, never starting inside a surrogate pair. */
export function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(text.length - max);
  if (/^[\uDC00-\uDFFF]/.test(cut)) cut = cut.slice(1);
  return cut;
}

/** Collapse all whitespace (newlines included) so a command fits on one devlog line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
