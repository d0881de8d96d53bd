import type { Db } from '../state/db.js';
import { KnownSecrets, type KnownDigest } from './known.js';

/**
 * A session's known secrets between runs: digests in state.db `session_secrets`, never values
 * (see known.ts). Every run of the session, and every flush of its windows, starts from them.
 */

interface Row {
  salt: string;
  digest: string;
  length: number;
  kind: string;
}

export function loadKnownSecrets(db: Db, sessionId: string): KnownSecrets {
  const rows = db.prepare('SELECT salt, digest, length, kind FROM session_secrets WHERE session_id = ?').all(sessionId) as Row[];
  const salt = rows[0]?.salt;
  return salt === undefined ? new KnownSecrets() : new KnownSecrets(salt, rows.filter((r) => r.salt === salt));
}

/** Stores the digests learnt since the last call; part of the caller's transaction. */
export function saveKnownSecrets(db: Db, sessionId: string, known: KnownSecrets): void {
  const fresh: KnownDigest[] = known.takeFresh();
  if (fresh.length === 0) return;
  const insert = db.prepare('INSERT OR IGNORE INTO session_secrets (session_id, salt, digest, length, kind) VALUES (?, ?, ?, ?, ?)');
  for (const d of fresh) insert.run(sessionId, known.salt, d.digest, d.length, d.kind);
}

/**
 * Windows already stored for the session (written, pending or failed) with `scrub` applied to
 * their entry, digest and error: a value learnt later leaves no copy in state.db. Entries already
 * appended to entries.jsonl stay as written; the file is append-only.
 */
export function scrubStoredWindows(db: Db, sessionId: string, scrub: (text: string) => string): void {
  const rows = db.prepare('SELECT run_id, entry, digest, error FROM windows WHERE session_id = ?').all(sessionId) as { run_id: string; entry: string; digest: string | null; error: string | null }[];
  const update = db.prepare('UPDATE windows SET entry = ?, digest = ?, error = ? WHERE run_id = ?');
  for (const r of rows) {
    const next = [scrub(r.entry), r.digest === null ? null : scrub(r.digest), r.error === null ? null : scrub(r.error)] as const;
    if (next[0] !== r.entry || next[1] !== r.digest || next[2] !== r.error) update.run(next[0], next[1], next[2], r.run_id);
  }
}
