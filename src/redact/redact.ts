import { compileUserPattern, UserPatternError, type UserRegex } from '../config/safe-regex.js';
import { isPlainObject } from '../kit/plain-object.js';
import { KnownSecrets } from './known.js';
import { GENERIC, MIN_LENGTH, SPECIFIC, triggerWordsIn, type Rule, type Span } from './patterns.js';

/**
 * Secret redaction for everything shiplog writes into a repository. Transcripts carry whatever
 * the agent saw (env dumps, curl commands, pasted keys), so every string is passed through a
 * Redactor before it reaches a devlog or changelog. Secrets become `[REDACTED:<kind>]`; only the
 * per-kind counts are kept, never the secret.
 */

export interface RedactOptions {
  /** User patterns (regex sources, compiled with the `g` flag). With a capture group, only group 1 is redacted. */
  extra?: { kind: string; pattern: string }[];
  /** Exact strings never redacted (documentation examples, known test fixtures). */
  allow?: string[];
  /**
   * The session's known secrets: every value recognised here is added, and found again wherever
   * it appears without context. Default: a fresh set, so one Redactor propagates within itself.
   */
  known?: KnownSecrets;
}

export interface Redactor {
  redact(text: string): string;
  /** Secrets redacted so far, per kind, over this Redactor's life. A snapshot. */
  readonly counts: Readonly<Record<string, number>>;
  /** The values recognised so far (in memory) and the session's stored digests. */
  readonly known: KnownSecrets;
}

const KIND_NAME = /^[a-z0-9]{1,40}(?:-[a-z0-9]{1,40}){0,8}$/;

function compileExtra({ kind, pattern }: { kind: string; pattern: string }): Rule {
  if (!KIND_NAME.test(kind)) {
    throw new Error(`redact: extra pattern kind ${JSON.stringify(kind)} must be kebab-case, like "acme-token"`);
  }
  // RE2 (linear time), not RegExp: a user pattern must not be able to backtrack forever.
  let re: UserRegex;
  try {
    re = compileUserPattern(pattern);
  } catch (err) {
    if (!(err instanceof UserPatternError)) throw err;
    const why =
      err.message === 'matches the empty string'
        ? 'matches the empty string'
        : `is not a valid regular expression (${err.message})`;
    throw new Error(`redact: extra pattern for kind "${kind}" ${why}: /${pattern}/`, { cause: err });
  }
  return { kind, when: () => true, find: (text) => re.find(text) };
}

/** Whether `words` (a text's trigger words) holds one of `triggers`. */
function holdsAny(words: ReadonlySet<string> | undefined, triggers: readonly string[]): boolean {
  if (words === undefined) return false;
  for (const w of triggers) if (words.has(w)) return true;
  return false;
}

interface Hit extends Span {
  /** Index into the rule list: lower is more specific. A known value comes after every rule. */
  readonly priority: number;
  readonly fallback: boolean;
  readonly kind: string;
}

/**
 * Fallback hits (high-entropy) stand only where nothing else matched: around a recognised token
 * they would just widen the redaction over the path or word the token sits in.
 */
function dropShadowedFallbacks(hits: Hit[]): Hit[] {
  const firm = hits.filter((h) => !h.fallback).sort((a, b) => a.start - b.start);
  if (firm.length === hits.length || firm.length === 0) return hits;
  // maxEnd[i]: the furthest end among firm[0..i], so one binary search answers "does any overlap?".
  const maxEnd: number[] = [];
  for (const h of firm) maxEnd.push(Math.max(h.end, maxEnd[maxEnd.length - 1] ?? -1));
  const shadowed = (h: Hit) => {
    let lo = 0;
    let hi = firm.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((firm[mid]?.start ?? Infinity) < h.end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && (maxEnd[lo - 1] ?? -1) > h.start;
  };
  return [...firm, ...hits.filter((h) => h.fallback && !shadowed(h))];
}

/**
 * Overlapping hits become one redaction covering all of them (so no piece of a secret survives
 * between two detectors' spans), named after the most specific detector involved.
 */
function merge(hits: Hit[]): Hit[] {
  hits.sort((a, b) => a.start - b.start || a.priority - b.priority);
  const out: Hit[] = [];
  for (const h of hits) {
    const last = out[out.length - 1];
    if (last !== undefined && h.start < last.end) {
      out[out.length - 1] = {
        start: last.start,
        end: Math.max(last.end, h.end),
        priority: Math.min(last.priority, h.priority),
        fallback: last.fallback && h.fallback,
        kind: h.priority < last.priority ? h.kind : last.kind,
      };
    } else {
      out.push(h);
    }
  }
  return out;
}

/** Whether a built-in rule is worth running: one of its trigger words is there and its own check passes. */
function applies(rule: Rule, text: string, lower: string, words: ReadonlySet<string> | undefined): boolean {
  if (rule.triggers !== undefined && !holdsAny(words, rule.triggers)) return false;
  return rule.when(text, lower);
}

/** `text` with each run of overlapping hits replaced by one marker, counted in `counts`. */
function replaceHits(text: string, hits: Hit[], counts: Record<string, number>): string {
  let out = '';
  let at = 0;
  for (const h of merge(hits)) {
    counts[h.kind] = (counts[h.kind] ?? 0) + 1;
    out += `${text.slice(at, h.start)}[REDACTED:${h.kind}]`;
    at = h.end;
  }
  return out + text.slice(at);
}

export function createRedactor(opts: RedactOptions = {}): Redactor {
  const extras = (opts.extra ?? []).map(compileExtra);
  const rules: readonly Rule[] = [...SPECIFIC, ...extras, ...GENERIC];
  const firstExtra = SPECIFIC.length;
  const allow = new Set(opts.allow ?? []);
  const counts: Record<string, number> = {};
  const known = opts.known ?? new KnownSecrets();
  const everyRule = rules.map((_, i) => i);
  const isExtra = (priority: number) => priority >= firstExtra && priority < firstExtra + extras.length;
  const untriggered = everyRule.filter((i) => rules[i]?.always === true || isExtra(i));

  /** What the rules find in `text`; `words` are its trigger words, undefined when too short to hold any. */
  function ruleHits(text: string, words: ReadonlySet<string> | undefined): Hit[] {
    const builtin = words !== undefined;
    // `always` rules look at the text itself, not at `lower`: the common case stays one scan.
    const lower = builtin ? text.toLowerCase() : '';
    const hits: Hit[] = [];
    // Without a trigger only the `always` rules and the user's patterns can match.
    for (const priority of builtin ? everyRule : untriggered) {
      const rule = rules[priority];
      if (rule === undefined) continue;
      if (!isExtra(priority) && !applies(rule, text, lower, words)) continue;
      for (const s of rule.find(text)) {
        if (allow.has(text.slice(s.start, s.end))) continue;
        hits.push({ start: s.start, end: s.end, priority, fallback: rule.fallback === true, kind: rule.kind });
      }
    }
    return hits;
  }

  /** Adds to `found` every known value in `text`, as hits after every rule. */
  function addKnownHits(found: Hit[], text: string): void {
    if (known.empty) return;
    for (const k of known.find(text)) {
      if (allow.has(text.slice(k.start, k.end))) continue;
      found.push({ start: k.start, end: k.end, priority: rules.length, fallback: false, kind: k.kind });
    }
  }

  function redact(text: string): string {
    // The common case: no trigger substring at all, one regex scan and out.
    if (text.length < MIN_LENGTH && extras.length === 0) return text;
    const words = text.length >= MIN_LENGTH ? triggerWordsIn(text) : undefined;
    const hits = ruleHits(text, words);
    const found = hits.length === 0 ? hits : dropShadowedFallbacks(hits);
    // Learnt before the known values are looked up, so a value is found again later in this very text.
    for (const h of found) {
      const value = text.slice(h.start, h.end);
      if (!allow.has(value)) known.learn(value, h.kind);
    }
    addKnownHits(found, text);
    if (found.length === 0) return text;
    return replaceHits(text, found, counts);
  }

  return {
    redact,
    known,
    get counts() {
      return Object.freeze({ ...counts });
    },
  };
}

function deep(value: unknown, r: Redactor): unknown {
  if (typeof value === 'string') return r.redact(value);
  if (Array.isArray(value)) return value.map((v: unknown) => deep(v, r));
  if (!isPlainObject(value)) return value;
  // Built in place rather than through Object.entries / fromEntries: every event passes through
  // here, and the pair arrays were a fifth of the cost of redacting one (and much of its garbage).
  const out: Record<string, unknown> = {};
  // The keys written so far, needed only once some key was redacted: until then they are the
  // input's own keys, which are distinct.
  let used: Set<string> | undefined;
  for (const k of Object.keys(value)) {
    const base = r.redact(k);
    let key = base;
    if (used === undefined && base !== k) used = new Set(Object.keys(out));
    if (used !== undefined) {
      // Two keys redacted to the same marker must not overwrite each other's values.
      for (let i = 2; used.has(key); i++) key = `${base}#${i}`;
      used.add(key);
    }
    // Defined, not assigned, so a `__proto__` key stays a key instead of setting the prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: deep(value[k], r),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = deep(value[k], r);
  }
  return out;
}

/**
 * Every string inside a JSON-like value, object keys included, redacted into a new value; the
 * input is never mutated. Values that are not JSON-like (class instances) are passed through as is.
 */
export function redactDeep<T>(value: T, r: Redactor): T {
  return deep(value, r) as T;
}
