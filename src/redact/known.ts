import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';

// Loaded when first used: node:crypto costs a short run ~8 ms of CPU, and `shiplog status` loads
// this module (through the logger) but hashes nothing (issue 18).
const requireBuiltin = createRequire(import.meta.url);
let cryptoLib: typeof Crypto | undefined;
const crypto = (): typeof Crypto => (cryptoLib ??= requireBuiltin('node:crypto') as typeof Crypto);

/**
 * Secrets a session is known to hold, so that a value recognised in one place (`export
 * AWS_SECRET_ACCESS_KEY=<v>`) is redacted wherever else it appears in that session's outputs
 * (`echo '<v>'`), before and after.
 *
 * Values live in memory only. What is stored between runs (state.db `session_secrets`) is a
 * digest: SHA-256 over a random per-session salt and the value, truncated to 128 bits, with the
 * value's length and kind. A later run cannot read the values back; it finds them again by
 * hashing the text's candidate tokens of those lengths (token boundaries, below) and comparing.
 * Once a digest is matched, the value is known in memory for the rest of the run and found with
 * a plain substring search.
 */

export interface KnownDigest {
  kind: string;
  length: number;
  digest: string;
}

/** Shortest value propagated: shorter ones (`admin`, `secret1`) would redact ordinary words. */
const MIN_KNOWN_LENGTH = 8;
const MAX_KNOWN_LENGTH = 256;
/** Values remembered per session; beyond this, redaction still works, propagation of new ones stops. */
const MAX_KNOWN = 512;

/** Characters that end a token: a candidate starts after one and ends before one. */
function isDelimiter(c: number): boolean {
  // whitespace, quotes, brackets, and the separators of assignments, URLs, paths and lists
  return (
    c <= 0x20 ||
    c === 0x22 ||
    c === 0x27 ||
    c === 0x60 ||
    c === 0x28 ||
    c === 0x29 ||
    c === 0x5b ||
    c === 0x5d ||
    c === 0x7b ||
    c === 0x7d ||
    c === 0x3c ||
    c === 0x3e ||
    c === 0x2c ||
    c === 0x3b ||
    c === 0x7c ||
    c === 0x26 ||
    c === 0x3d ||
    c === 0x3a ||
    c === 0x40 ||
    c === 0x2f ||
    c === 0x5c
  );
}

/** Worth propagating: long enough, one token, and not a plain word or number. */
function propagatable(value: string): boolean {
  if (
    value.length < MIN_KNOWN_LENGTH ||
    value.length > MAX_KNOWN_LENGTH ||
    /\s/.test(value) ||
    value.includes('[REDACTED:')
  )
    return false;
  if (isDelimiter(value.charCodeAt(0)) || isDelimiter(value.charCodeAt(value.length - 1))) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  return classes >= 2 && (classes >= 3 || value.length >= 12);
}

export class KnownSecrets {
  /** Value → kind, for values seen in clear during this run. */
  private readonly values = new Map<string, string>();
  /** Stored digests not yet matched to a value in this run, by length. */
  private readonly unresolved = new Map<number, Map<string, string>>();
  private readonly stored = new Set<string>();
  private readonly fresh: KnownDigest[] = [];
  private learnedValues: string[] = [];

  constructor(
    readonly salt: string = crypto().randomBytes(16).toString('hex'),
    digests: readonly KnownDigest[] = [],
  ) {
    for (const d of digests) {
      this.stored.add(d.digest);
      const byLength = this.unresolved.get(d.length) ?? new Map<string, string>();
      byLength.set(d.digest, d.kind);
      this.unresolved.set(d.length, byLength);
    }
  }

  digestOf(value: string): string {
    return crypto().createHash('sha256').update(this.salt).update('\0').update(value).digest('hex').slice(0, 32);
  }

  get size(): number {
    return this.values.size;
  }

  /** Nothing to look for: no value in memory, no stored digest unmatched. */
  get empty(): boolean {
    if (this.values.size > 0) return false;
    // Asked of every text redacted: a session without stored digests answers without iterating.
    if (this.unresolved.size === 0) return true;
    for (const m of this.unresolved.values()) if (m.size > 0) return false;
    return true;
  }

  /** Remembers a value recognised as a secret; true when it was not known in this run before. */
  learn(value: string, kind: string): boolean {
    if (this.values.has(value) || this.values.size >= MAX_KNOWN || !propagatable(value)) return false;
    this.values.set(value, kind);
    this.learnedValues.push(value);
    const digest = this.digestOf(value);
    if (!this.stored.has(digest)) {
      this.stored.add(digest);
      this.fresh.push({ kind, length: value.length, digest });
    }
    this.unresolved.get(value.length)?.delete(digest);
    return true;
  }

  /** Digests learnt since the last call, to store: never the values. */
  takeFresh(): KnownDigest[] {
    return this.fresh.splice(0);
  }

  /** Values that became known since the last call (to scrub text written before they were). */
  takeLearned(): string[] {
    const out = this.learnedValues;
    this.learnedValues = [];
    return out;
  }

  /** Where known values occur in `text`, with their kinds. */
  find(text: string): { start: number; end: number; kind: string }[] {
    this.resolve(text);
    const spans: { start: number; end: number; kind: string }[] = [];
    for (const [value, kind] of this.values) {
      for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length))
        spans.push({ start: at, end: at + value.length, kind });
    }
    return spans;
  }

  /**
   * Matches stored digests against the text's candidate tokens: every stretch that starts after a
   * delimiter (or at the start) and ends before one, with a length some digest has.
   */
  private resolve(text: string): void {
    let pending = 0;
    for (const m of this.unresolved.values()) pending += m.size;
    if (pending === 0 || text.length < MIN_KNOWN_LENGTH) return;
    const lengths = [...this.unresolved.entries()].filter(([, m]) => m.size > 0).map(([n]) => n);
    const n = text.length;
    for (let s = 0; s < n; s++) {
      if ((s > 0 && !isDelimiter(text.charCodeAt(s - 1))) || isDelimiter(text.charCodeAt(s))) continue;
      for (const len of lengths) {
        const e = s + len;
        if (e > n || (e < n && !isDelimiter(text.charCodeAt(e))) || isDelimiter(text.charCodeAt(e - 1))) continue;
        const byLength = this.unresolved.get(len);
        if (byLength === undefined || byLength.size === 0) continue;
        const candidate = text.slice(s, e);
        // Only values that pass this were stored: the rest (plain words, numbers) need no hash.
        if (!propagatable(candidate)) continue;
        const digest = this.digestOf(candidate);
        const kind = byLength.get(digest);
        if (kind !== undefined) {
          byLength.delete(digest);
          this.values.set(candidate, kind);
        }
      }
    }
  }

  /**
   * `text` with every value known in memory replaced by its marker, in clear and JSON-escaped:
   * for stored snapshots and rendered entries, which were redacted before the value was known.
   */
  scrub(text: string, only?: readonly string[]): string {
    let out = text;
    for (const value of only ?? this.values.keys()) {
      const kind = this.values.get(value);
      if (kind === undefined) continue;
      const marker = `[REDACTED:${kind}]`;
      out = out.split(value).join(marker);
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value) out = out.split(escaped).join(marker);
    }
    return out;
  }
}
