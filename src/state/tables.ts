import { z } from 'zod';
import type { Db } from './db.js';

const TableNames = z.array(z.string());

/** The names of the tables the database holds (none in a file no shiplog version set up). */
export function tableNames(db: Db): Set<string> {
  return new Set(TableNames.parse(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()));
}
