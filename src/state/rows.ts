/**
 * Checks of state-database rows for commands that load no zod: `shiplog status` read two queries'
 * rows through zod schemas, and loading zod was a third of its CPU time beyond node's own start
 * (issue 18). Each check accepts what the schema it stands in for accepted, and names the column
 * that does not fit.
 */

import { isRecord } from '../kit/plain-object.js';
import { ShiplogError } from '../kit/shiplog-error.js';

export type Row = Record<string, unknown>;

export class RowError extends ShiplogError {
  constructor(message: string) {
    super('EBADROW', message);
  }
}

function fail(table: string, column: string, want: string, row: Row): never {
  throw new RowError(`state.db: ${table}.${column} is ${JSON.stringify(row[column]) ?? 'missing'}, not ${want}`);
}

export function asRow(table: string, value: unknown): Row {
  if (!isRecord(value)) throw new RowError(`state.db: a ${table} row is not an object`);
  return value;
}

export function text(table: string, row: Row, column: string): string {
  const v = row[column];
  return typeof v === 'string' ? v : fail(table, column, 'text', row);
}

export function textOrNull(table: string, row: Row, column: string): string | null {
  const v = row[column];
  return v === null || typeof v === 'string' ? v : fail(table, column, 'text or null', row);
}

export function int(table: string, row: Row, column: string): number {
  const v = row[column];
  return Number.isSafeInteger(v) ? (v as number) : fail(table, column, 'a whole number', row);
}

export function intOrNull(table: string, row: Row, column: string): number | null {
  const v = row[column];
  return v === null || Number.isSafeInteger(v)
    ? (v as number | null)
    : fail(table, column, 'a whole number or null', row);
}

export function oneOf<T extends string>(table: string, row: Row, column: string, values: readonly T[]): T {
  const v = row[column];
  return values.includes(v as T) ? (v as T) : fail(table, column, `one of ${values.join(', ')}`, row);
}
