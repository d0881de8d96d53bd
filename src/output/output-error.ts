/** Why shiplog refused or failed to write an output file; `code` goes into the failure record. */
export class OutputError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutputError';
  }
}
