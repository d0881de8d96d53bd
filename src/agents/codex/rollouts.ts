import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, sep } from 'node:path';
import Database from 'better-sqlite3';
import { globSync } from '../../glob.js';
import { z } from 'zod';
import { isSafeId } from '../../ids.js';

/**
 * Finding a Codex thread's rollout file when only its id is known (notify gives no path, and a
 * parent rollout names its subagents by thread id). Order (reference/codex.md §4.2): the
 * `threads` table of `$CODEX_HOME/state_5.sqlite`, opened read-only — it may be in WAL mode,
 * locked, or missing, and any of those falls through; then the file names under `sessions/`
 * and `archived_sessions/`, which end in the thread id. No match (title-generation threads,
 * `--ephemeral` sessions) is null: nothing to do.
 */
export type RolloutSource = 'state-db' | 'file-name';

export function findRollout(codexHome: string, threadId: string): { path: string; source: RolloutSource } | null {
  if (!isSafeId(threadId) || !isAbsolute(codexHome)) return null;
  const fromDb = fromStateDb(codexHome, threadId);
  if (fromDb) return { path: fromDb, source: 'state-db' };
  const byName = globSync(
    [`sessions/*/*/*/rollout-*-${threadId}.jsonl`, `archived_sessions/rollout-*-${threadId}.jsonl`],
    {
      cwd: codexHome,
      absolute: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      suppressErrors: true,
    },
  );
  const path = byName.sort()[0];
  return path ? { path, source: 'file-name' } : null;
}

const ThreadRow = z.object({ rollout_path: z.string() });

function fromStateDb(codexHome: string, threadId: string): string | null {
  const file = join(codexHome, 'state_5.sqlite');
  if (!existsSync(file)) return null;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 500 });
    const row = ThreadRow.safeParse(db.prepare('SELECT rollout_path FROM threads WHERE id = ?').get(threadId));
    if (!row.success || !isAbsolute(row.data.rollout_path)) return null;
    // The table can lag a move (archive/unarchive); a path that is not there falls through.
    return isFile(row.data.rollout_path) ? row.data.rollout_path : null;
  } catch {
    // Locked, an older schema without the table, or not a database at all: file names next.
    return null;
  } finally {
    db?.close();
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // gone since the row was written
  }
}

/** $CODEX_HOME of a rollout under `<home>/sessions/YYYY/MM/DD/` or `<home>/archived_sessions/`, else the environment's. */
export function codexHomeOf(rolloutPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const parts = rolloutPath.split(sep);
  const sessions = parts.lastIndexOf('sessions');
  if (sessions > 0 && parts.length - sessions === 5) return parts.slice(0, sessions).join(sep) || sep;
  if (parts[parts.length - 2] === 'archived_sessions') return dirname(dirname(rolloutPath));
  return env.CODEX_HOME || join(env.HOME || homedir(), '.codex');
}

/** A subagent thread's rollout: usually beside the parent's (same start date), else looked up. */
export function codexSubagentRollout(parentPath: string, threadId: string): string | null {
  if (!isSafeId(threadId)) return null;
  try {
    const near = readdirSync(dirname(parentPath)).find(
      (n) => n.startsWith('rollout-') && n.endsWith(`-${threadId}.jsonl`),
    );
    if (near) return join(dirname(parentPath), near);
  } catch {
    // The parent's folder is unreadable: the wider lookup below decides.
  }
  return findRollout(codexHomeOf(parentPath), threadId)?.path ?? null;
}
