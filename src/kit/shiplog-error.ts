/**
 * The base of every error shiplog throws: a stable `code` for logs, failure records and tests
 * (so callers need not match messages), and the `cause` it wraps. It sets no `name`: each class
 * keeps the one it always had, and those that never set one still read as "Error" where they are
 * printed.
 */
export class ShiplogError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
