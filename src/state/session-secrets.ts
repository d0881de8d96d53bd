import { z } from 'zod';
import type { KnownDigest } from '../redact/known.js';
import type { Db } from './db.js';

/** The session_secrets table: digests of the secrets a session is known to hold, never the values. */

const SecretDigest = z.object({ salt: z.string(), digest: z.string(), length: z.number().int(), kind: z.string() });
export type SecretDigest = z.infer<typeof SecretDigest>;

export function secretDigests(db: Db, sessionId: string): SecretDigest[] {
  return z
    .array(SecretDigest)
    .parse(db.prepare('SELECT salt, digest, length, kind FROM session_secrets WHERE session_id = ?').all(sessionId));
}

/** Stores digests taken with `salt`; one already stored is kept as it is. */
export function insertSecretDigests(db: Db, sessionId: string, salt: string, digests: readonly KnownDigest[]): void {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO session_secrets (session_id, salt, digest, length, kind) VALUES (?, ?, ?, ?, ?)',
  );
  for (const d of digests) insert.run(sessionId, salt, d.digest, d.length, d.kind);
}
