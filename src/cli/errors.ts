import { ShiplogError } from '../kit/shiplog-error.js';

/** An error a user can act on: the message says what went wrong, the hint what to do. */
export class CliError extends ShiplogError {
  constructor(
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super('ECLI', message, options);
    this.name = 'CliError';
  }
}

/** The command line itself is wrong (a missing argument, a bad value): exit 2, not 1. */
export class UsageError extends CliError {
  constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, hint, options);
    this.name = 'UsageError';
  }
}
