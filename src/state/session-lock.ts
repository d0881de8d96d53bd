import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isErrno } from '../kit/errno.js';
import type { Db } from './db.js';

/**
 * One worker per session at a time. The lock is a row naming the holder's pid and that
 * process's start time, so a holder killed with SIGKILL is recognised as dead at once (no stale
 * timeout to sit out) and a recycled pid is not mistaken for the old holder.
 */
export interface SessionLock {
  sessionId: string;
  token: string;
}

interface LockRow {
  pid: number;
  start_time: string | null;
  token: string;
}

export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) follows the command name, which is parenthesised and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    // No /proc (macOS) or the process is gone: liveness falls back to kill(pid, 0).
    return null;
  }
}

/**
 * What a marker file of shiplog's (worker.alive, the worker registry, the install lock) says of
 * the process that made it: judged alive by `isAlive`, like the lock rows here.
 */
export const ProcessOwner = z.object({ pid: z.number().int(), start: z.string().nullable() });
export type ProcessOwner = z.infer<typeof ProcessOwner>;

/** This process as a ProcessOwner. */
export function thisProcess(): ProcessOwner {
  return { pid: process.pid, start: processStartTime(process.pid) };
}

export function isAlive(pid: number, startTime: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM means it exists but belongs to someone else: still alive.
    if (!(isErrno(err) && err.code === 'EPERM')) return false;
  }
  if (startTime === null) return true;
  const now = processStartTime(pid);
  return now === null || now === startTime;
}

export function tryLock(db: Db, sessionId: string): SessionLock | null {
  const token = randomUUID();
  const myStart = processStartTime(process.pid);
  const take = db.transaction((): boolean => {
    const row = db.prepare('SELECT pid, start_time, token FROM locks WHERE session_id = ?').get(sessionId) as
      | LockRow
      | undefined;
    if (row && isAlive(row.pid, row.start_time)) return false;
    db.prepare(
      'INSERT OR REPLACE INTO locks (session_id, pid, start_time, token, acquired_at) VALUES (?, ?, ?, ?, ?)',
    ).run(sessionId, process.pid, myStart, token, new Date().toISOString());
    return true;
  });
  return take.immediate() ? { sessionId, token } : null;
}

export function releaseLock(db: Db, lock: SessionLock): void {
  db.prepare('DELETE FROM locks WHERE session_id = ? AND token = ?').run(lock.sessionId, lock.token);
}
