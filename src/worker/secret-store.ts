import type { Db } from '../state/db.js';
import { insertSecretDigests, secretDigests } from '../state/session-secrets.js';
import { saveWindowTexts, type WindowTexts, windowTexts } from '../state/window-texts.js';
import { KnownSecrets, type KnownDigest } from '../redact/known.js';

/**
 * A session's known secrets between runs: digests in state.db `session_secrets`, never values
 * (see known.ts). Every run of the session, and every flush of its windows, starts from them.
 */

export function loadKnownSecrets(db: Db, sessionId: string): KnownSecrets {
  const rows = secretDigests(db, sessionId);
  const salt = rows[0]?.salt;
  return salt === undefined
    ? new KnownSecrets()
    : new KnownSecrets(
        salt,
        rows.filter((r) => r.salt === salt),
      );
}

/** Stores the digests learnt since the last call; part of the caller's transaction. */
export function saveKnownSecrets(db: Db, sessionId: string, known: KnownSecrets): void {
  const fresh: KnownDigest[] = known.takeFresh();
  if (fresh.length === 0) return;
  insertSecretDigests(db, sessionId, known.salt, fresh);
}

/**
 * Windows already stored for the session (written, pending or failed) with `scrub` applied to
 * their entry, digest and error: a value learnt later leaves no copy in state.db. Entries already
 * appended to entries.jsonl stay as written; the file is append-only.
 */
export function scrubStoredWindows(db: Db, sessionId: string, scrub: (text: string) => string): void {
  const changed: WindowTexts[] = [];
  for (const r of windowTexts(db, sessionId)) {
    const next = {
      run_id: r.run_id,
      entry: scrub(r.entry),
      digest: r.digest === null ? null : scrub(r.digest),
      error: r.error === null ? null : scrub(r.error),
    };
    if (next.entry !== r.entry || next.digest !== r.digest || next.error !== r.error) changed.push(next);
  }
  saveWindowTexts(db, changed);
}
