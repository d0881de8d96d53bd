import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { stateDir } from '../paths.js';
import { replaceFileAtomically } from '../kit/atomic-write.js';
import { isErrno } from '../kit/errno.js';
import { ShiplogError } from '../kit/shiplog-error.js';

/**
 * Which repository config files the user trusted, by content: `shiplog trust <repo>` records the
 * sha256 of the repository's `.shiplog.toml` as it was then. It lives in the user's state folder,
 * never in the repository (a repository must not be able to trust itself), and a file whose hash
 * differs from the recorded one is untrusted again.
 */
const TrustedRepo = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  trusted_at: z.string(),
});
const TrustStore = z.object({
  version: z.literal(1),
  /** Real path of the repository's top level → the trusted file. */
  repos: z.record(z.string(), TrustedRepo),
});
export type TrustStore = z.infer<typeof TrustStore>;

export class TrustStoreError extends ShiplogError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EBADTRUSTSTORE', message, options);
  }
}

export function trustStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'trusted-repos.json');
}

/** The key a repository is trusted under: its real path, so a symlinked way in is the same repository. */
export function trustKey(top: string): string {
  try {
    return realpathSync(top);
  } catch (err) {
    // A repository that is gone (`--revoke` of a removed checkout) is named by its path as given.
    if (isErrno(err)) return resolve(top);
    throw err;
  }
}

export function readTrustStore(env: NodeJS.ProcessEnv = process.env): TrustStore {
  const file = trustStorePath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return { version: 1, repos: {} };
    throw new TrustStoreError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TrustStoreError(`${file} is not valid JSON`, { cause: err });
  }
  const parsed = TrustStore.safeParse(json);
  if (!parsed.success)
    throw new TrustStoreError(`${file} is not a shiplog trust list: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** The sha256 the user trusted for this repository's file, or null. */
export function trustedHash(top: string, env: NodeJS.ProcessEnv = process.env): string | null {
  return readTrustStore(env).repos[trustKey(top)]?.sha256 ?? null;
}

/** Written to a temporary name and renamed over, so a reader never sees half a list. */
export function writeTrustStore(store: TrustStore, env: NodeJS.ProcessEnv = process.env): void {
  const file = trustStorePath(env);
  mkdirSync(stateDir(env), { recursive: true, mode: 0o700 });
  replaceFileAtomically(file, `${JSON.stringify(TrustStore.parse(store), null, 2)}\n`, { mode: 0o600 });
}
