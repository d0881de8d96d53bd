import { AgentId } from '../agents/ids.js';
import { z } from 'zod';
import type { Db } from './db.js';
import { OPEN } from './open-windows.js';
/** Read-only views of the state database for `shiplog status` and `shiplog doctor`. */

/** Sessions with a window open or a closed window not yet written: what `shiplog flush` acts on. */
const OpenWork = z.object({
  session_id: z.string(),
  agent: AgentId,
  transcript_path: z.string(),
  cwd: z.string().nullable(),
  repo: z.string().nullable(),
});
export function sessionsWithOpenWork(db: Db, sessionId?: string): z.infer<typeof OpenWork>[] {
  return z.array(OpenWork).parse(
    db
      .prepare(
        `SELECT session_id, agent, transcript_path, cwd, repo FROM sessions s
           WHERE (? IS NULL OR session_id = ?)
             AND (${OPEN}
                  OR EXISTS (SELECT 1 FROM windows w WHERE w.session_id = s.session_id AND w.status != 'written'))
           ORDER BY updated_at`,
      )
      .all(sessionId ?? null, sessionId ?? null),
  );
}

export const HookFire = z.object({
  agent: z.string(),
  event: z.string(),
  last_at: z.string(),
  count: z.number().int(),
});
export function hookFires(db: Db): z.infer<typeof HookFire>[] {
  return z
    .array(HookFire)
    .parse(db.prepare('SELECT agent, event, last_at, count FROM hook_fires ORDER BY last_at DESC').all());
}

export const LastRun = z.object({
  session_id: z.string(),
  trigger: z.string(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  status: z.string(),
  error: z.string().nullable(),
});
export function lastRun(db: Db): z.infer<typeof LastRun> | null {
  const row = db
    .prepare('SELECT session_id, trigger, started_at, ended_at, status, error FROM runs ORDER BY id DESC LIMIT 1')
    .get();
  return row ? LastRun.parse(row) : null;
}

export function failuresSince(
  db: Db,
  since: string,
): { run_id: string; session_id: string; repo: string; actor: string; error: string | null; updated_at: string }[] {
  return z
    .array(
      z.object({
        run_id: z.string(),
        session_id: z.string(),
        repo: z.string(),
        actor: z.string(),
        error: z.string().nullable(),
        updated_at: z.string(),
      }),
    )
    .parse(
      db
        .prepare(
          `SELECT run_id, session_id, repo, actor, error, updated_at FROM windows WHERE status = 'failed' AND updated_at >= ? ORDER BY rowid`,
        )
        .all(since),
    );
}

/** Repositories written to recently, with the actors whose changelogs they hold (null: devlog only so far). */
export function recentOutputs(db: Db, since: string): { repo: string; actor: string | null }[] {
  return z.array(z.object({ repo: z.string(), actor: z.string().nullable() })).parse(
    db
      .prepare(
        `SELECT DISTINCT repo, actor FROM windows WHERE updated_at >= ?
           UNION SELECT DISTINCT repo, NULL FROM sessions WHERE repo IS NOT NULL AND updated_at >= ?
             AND repo NOT IN (SELECT repo FROM windows WHERE updated_at >= ?)
           ORDER BY 1, 2`,
      )
      .all(since, since, since),
  );
}
