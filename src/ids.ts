/**
 * Session ids become file names (`.devlog/sessions/<id>.json`, the spool folder), so only a
 * conservative alphabet is accepted: Claude Code and Codex ids are UUIDs, which always pass.
 */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isSafeId(id: string): boolean {
  return SAFE_ID.test(id) && !id.includes('..');
}

/** Turns any actor name (an e-mail, a login, `../../etc`) into one safe folder name. */
export function safeFolderName(raw: string): string {
  const cleaned = raw
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._@+-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64);
  return cleaned === '' ? 'unknown' : cleaned;
}
