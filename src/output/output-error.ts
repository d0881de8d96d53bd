import { ShiplogError } from '../kit/shiplog-error.js';

/** Why shiplog refused or failed to write an output file; `code` goes into the failure record. */
export class OutputError extends ShiplogError {
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'OutputError';
  }
}
