/** Clipping helpers shared by the adapters: bounded strings that never split a surrogate pair. */

/**
 * The redaction applied before any cut, for the line being parsed (LineContext.redact, set by
 * parseJsonLine around one synchronous parse). Text is redacted from a window a little wider than
 * what is kept, so a secret across the cut is recognised whole and a huge text costs no more.
 */
let redactBeforeCut: ((text: string) => string) | undefined;
/** Context kept around the cut: longer than any secret a detector needs to see whole. */
const CUT_CONTEXT = 1024;
/** Half the window looked at first: most cuts cross nothing, and only those that do pay for more. */
const EDGE = 256;

/** Whether redaction finds anything near offset `at` (a secret across the cut would be there). */
function nearCut(redact: (text: string) => string, text: string, at: number): boolean {
  const edge = text.slice(Math.max(0, at - EDGE), at + EDGE);
  return redact(edge) !== edge;
}

export function withRedactionBeforeCut<T>(redact: ((text: string) => string) | undefined, run: () => T): T {
  const outer = redactBeforeCut;
  redactBeforeCut = redact;
  try {
    return run();
  } finally {
    redactBeforeCut = outer;
  }
}

/** Cut to at most `max` chars with a trailing `…`, never splitting a surrogate pair. */
export function clipEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  if (redactBeforeCut !== undefined && nearCut(redactBeforeCut, text, max - 1)) {
    const whole = text.length <= max + CUT_CONTEXT;
    text = redactBeforeCut(text.slice(0, max + CUT_CONTEXT));
    if (whole && text.length <= max) return text;
  }
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** The last `max` chars, never starting inside a surrogate pair. */
export function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  if (redactBeforeCut !== undefined && nearCut(redactBeforeCut, text, text.length - max)) {
    text = redactBeforeCut(text.slice(-(max + CUT_CONTEXT)));
    if (text.length <= max) return text;
  }
  let cut = text.slice(text.length - max);
  if (/^[\uDC00-\uDFFF]/.test(cut)) cut = cut.slice(1);
  return cut;
}
