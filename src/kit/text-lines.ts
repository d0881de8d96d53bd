/** Whitespace runs (newlines included) collapsed to one space and the ends trimmed: text for one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The first line alone, on one line (a commit message's subject): empty when the text starts with a newline. */
export function firstLine(text: string): string {
  return oneLine(text.split('\n')[0] ?? '');
}

/** The first line with anything on it, trimmed: program output often opens with blank lines. */
export function firstNonBlankLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
}
