/** Why a run could not read a session, with a code for the log and the CLI. */
export class RunError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RunError';
  }
}
