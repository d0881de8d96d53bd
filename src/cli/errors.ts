/** An error a user can act on: the message says what went wrong, the hint what to do. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}
