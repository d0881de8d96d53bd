import type { Rule, Span } from './patterns.js';

/**
 * A rule that runs a global regex over the text; `pick` turns a match into a span (or several),
 * or rejects it. Shared by the rules of patterns.ts and forms.ts, which import each other, so it
 * lives in a module of its own.
 */
export function regexRule(
  kind: string,
  re: RegExp,
  when: Rule['when'],
  pick: (m: RegExpExecArray, text: string) => Span | Span[] | undefined = (m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }),
): Rule {
  return {
    kind,
    when,
    find(text) {
      const spans: Span[] = [];
      // One shared regex object: the loop is synchronous and resets lastIndex, so calls cannot interfere.
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const got = pick(m, text);
        if (Array.isArray(got)) spans.push(...got);
        else if (got !== undefined) spans.push(got);
      }
      re.lastIndex = 0;
      return spans;
    },
  };
}

/**
 * A regex source matching any of `words` (for a test, not a match: a word that extends another is
 * dropped), as a trie: `a(?:kia|sia|…)|g(?:h(?:p_|…)|…)|…`. At each position the engine tries one
 * branch per first character instead of one per word: for TRIGGERS, the one scan every string
 * gets, that halved its cost on the bench's transcript.
 */
export function anyOfWords(words: readonly string[]): string {
  const next = new Map<string, string[]>();
  for (const w of words) {
    const first = w.charAt(0);
    next.set(first, [...(next.get(first) ?? []), w.slice(1)]);
  }
  const branches = [...next].map(
    ([c, rests]) => c.replace(/[.*+?^${}()|[\]\\/]/, '\\$&') + (rests.includes('') ? '' : anyOfWords(rests)),
  );
  return branches.length === 1 ? (branches[0] ?? '') : `(?:${branches.join('|')})`;
}

/** `rule`, skipped by the redactor on text holding none of `triggers` (Rule.triggers). */
export function gated(rule: Rule, triggers: readonly string[]): Rule {
  return { ...rule, triggers };
}
