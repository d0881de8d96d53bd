/** `a, b and c` / `a, b or c`: a list in a sentence (one item alone, '' for none). */
export function wordList(parts: readonly string[], conjunction: 'and' | 'or'): string {
  return parts.length <= 1
    ? (parts[0] ?? '')
    : `${parts.slice(0, -1).join(', ')} ${conjunction} ${parts[parts.length - 1]}`;
}
