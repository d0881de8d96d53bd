/**
 * Two tests that differ on purpose. For a value from JSON.parse they agree; they part on class
 * instances (a Date, a Map), which only values built in code can hold.
 */

/** Any object but an array (a class instance included): what a parsed JSON object can be read as. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object literal or a JSON object (prototype Object.prototype or null), never a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
