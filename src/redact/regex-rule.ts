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
  pick: (m: RegExpExecArray, text: string) => Span | Span[] | undefined = (m) => ({ start: m.index, end: m.index + m[0].length }),
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
