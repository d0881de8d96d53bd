/**
 * JSON, or undefined for text that is not: for a value a zod schema checks next, which then
 * reports (or treats as absent) what did not parse, as it does a value of the wrong shape.
 */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // SyntaxError (a torn or foreign text) or RangeError (pathological nesting): not a value.
    return undefined;
  }
}
