import { ShiplogError } from '../kit/shiplog-error.js';

/** Why a run could not read a session, with a code for the log and the CLI. */
export class RunError extends ShiplogError {
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RunError';
  }
}
