/**
 * The built-in secret detectors, most specific first: when two detectors claim overlapping text,
 * the earlier one names the kind (so `Bearer eyJ…` is a jwt and `sk-ant-…` never an openai-key).
 *
 * Every detector runs on every string of every transcript event, so each must cost about one
 * linear scan and none may backtrack catastrophically:
 *  - each has a `when` check (substring lookups) so ordinary text never reaches its regex;
 *  - most are gated on TRIGGER_WORDS too (Rule.triggers), so a text is put to the `when`s of the
 *    rules of the trigger words it holds only;
 *  - every quantifier that scans input text is bounded;
 *  - token-shaped patterns start with a lookbehind for their own alphabet, so a long run of token
 *    characters is tried from its first character only, not from each of its positions.
 */

import { CONTEXTUAL, PREFIXED, concatRule, encodedRule } from './forms.js';
import { anyOfWords, gated, regexRule } from './regex-rule.js';

/** Offsets of one secret inside the scanned text: [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Rule {
  /** Kebab-case name, part of the public API: it appears in `[REDACTED:<kind>]` and the counts. */
  readonly kind: string;
  /** Cheap check before `find`: false when the text cannot hold this kind. `lower` is the text lower-cased. */
  readonly when: (text: string, lower: string) => boolean;
  readonly find: (text: string) => Span[];
  /** Counts only where no other detector matched (a guess, not a recognised format). */
  readonly fallback?: boolean;
  /** Runs (its `when` decides) even on text holding none of TRIGGERS: encoded or split secrets show no marker. */
  readonly always?: boolean;
  /**
   * TRIGGER_WORDS one of which a text holds (in any ASCII case) whenever this rule can find
   * something in it. The redactor learns which trigger words a text holds in the scan it makes
   * anyway, and skips a rule none of whose words occur without asking its `when`: the `when`s,
   * a few substring scans each, had come to cost more than any detector. Unset: always asked.
   */
  readonly triggers?: readonly string[];
}

/**
 * Substrings of which at least one must be present for any built-in rule to match (lower-case).
 * Each must start with a letter some other word starts with (`ckr_` for `dckr_`, `sql` for mysql):
 * a new first character is one more branch the scan below tries at every position. None may start
 * another (triggerWordsIn).
 */
export const TRIGGER_WORDS: readonly string[] = [
  'akia',
  'asia',
  'ghp_',
  'gho_',
  'ghu_',
  'ghs_',
  'ghr_',
  'github_pat_',
  'glpat-',
  'glptt-',
  'gldt-',
  'glrt-',
  'glcbt-',
  'gloas-',
  'xox',
  'hooks.slack',
  '_live_',
  '_test_',
  'whsec_',
  'sk-',
  'aiza',
  'npm_',
  'eyj',
  '-----begin',
  'bearer',
  'basic',
  '://',
  'curl',
  'pass',
  'pwd',
  'secret',
  'token',
  'key',
  'credential',
  'auth',
  'hvs.',
  'hvb.',
  'pypi-',
  '_v1_',
  'ckr_',
  'sg.',
  'hf_',
  'api_org_',
  'telegram',
  'bot',
  'twilio',
  'client(',
  'sig=',
  'cookie',
  'sql',
  'ariadb',
  '-cli',
  'ker login',
  'base64',
  'b64',
  'atob',
  'ecode',
  'ata:',
  'echo',
];

/** This scan runs on every string: literals only, factored into a trie (anyOfWords). */
export const TRIGGERS = new RegExp(anyOfWords(TRIGGER_WORDS), 'i');
const TRIGGER_SCAN = new RegExp(TRIGGERS.source, 'gi');

/**
 * The TRIGGER_WORDS `text` holds, lower-case; undefined when it holds none (then the scan cost
 * what `TRIGGERS.test` costs). Every position is tried, matches included, so a word starting inside
 * another (`keyj…`: `key`, then `eyj`) is found too. No word is a prefix of another (tested), so the
 * one word matched at a position is the only one there.
 */
export function triggerWordsIn(text: string): Set<string> | undefined {
  let words: Set<string> | undefined;
  TRIGGER_SCAN.lastIndex = 0;
  for (let m = TRIGGER_SCAN.exec(text); m !== null; m = TRIGGER_SCAN.exec(text)) {
    words ??= new Set();
    words.add(m[0].toLowerCase());
    TRIGGER_SCAN.lastIndex = m.index + 1;
  }
  TRIGGER_SCAN.lastIndex = 0;
  return words;
}

/** No built-in rule matches fewer characters than this (`pwd=` and a 3-character value). */
export const MIN_LENGTH = 7;

/** Whether `text` holds any of `needles` (a constant list: no array is built per call). */
function has(text: string, needles: readonly string[]): boolean {
  for (const n of needles) if (text.includes(n)) return true;
  return false;
}

/** The span of the first defined named group, which each pattern places at the end of its match. */
function tailGroup(m: RegExpExecArray, names: readonly string[]): { value: string; span: Span } | undefined {
  for (const name of names) {
    const value = m.groups?.[name];
    if (value === undefined) continue;
    const end = m.index + m[0].length;
    return { value, span: { start: end - value.length, end } };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Values that look like a secret slot but hold none: placeholders, references, code.

const PLACEHOLDER_START = /^(?:\[REDACTED:|\$\{?[A-Za-z_]|\{\{|<|%[A-Za-z_(]|process\.env\b|os\.environ\b|secrets\.)/;
const PLACEHOLDER_WHOLE =
  /^(?:\*{1,64}|x{3,64}|\.{3}|…|your[-_]?\w{0,60}|redacted|none|null|nil|undefined|true|false|yes|no|on|off|string|number|boolean|bigint|object|any|unknown|never|void|str|int|bool|bytes|required|optional|password|passwd|pass|pwd|secret|token)$/i;
/** `REDACTED_API_KEY`, `YOUR_TOKEN`: a constant's name standing in for the value. */
const CONSTANT_NAME = /^[A-Z][A-Z0-9]{0,40}(?:_[A-Z0-9]{1,40}){1,10}$/;
/** `opts.token`, `config.auth?.password`: a property read, not a literal. */
const MEMBER = /^[A-Za-z_$][\w$]{0,100}(?:\??\.[A-Za-z_$][\w$]{0,100}){1,10}$/;
/** `githubToken`: an identifier, not a password. */
const CAMEL = /^[a-z]{1,50}(?:[A-Z][a-z0-9]{0,50}){1,10}$/;
const LETTERS = /^[A-Za-z_]{1,512}$/;
const PATH = /^(?:\/|~\/|\.\.?\/)/;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_START.test(value) || PLACEHOLDER_WHOLE.test(value) || CONSTANT_NAME.test(value);
}

// ---------------------------------------------------------------------------------------------
// Specific kinds: a recognisable prefix or structure.

const PEM_HEADER = /-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
const PEM_FOOTER = /-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;

/** Header to footer, or to the end of the text when the footer is missing (a key cut off mid-output). */
const privateKey: Rule = {
  kind: 'private-key',
  when: (text) => text.includes('-----BEGIN'),
  find(text) {
    const spans: Span[] = [];
    let from = text.indexOf('-----BEGIN');
    while (from !== -1) {
      PEM_HEADER.lastIndex = from;
      if (!PEM_HEADER.test(text)) {
        from = text.indexOf('-----BEGIN', from + 1);
        continue;
      }
      let end = text.length;
      for (let at = text.indexOf('-----END', PEM_HEADER.lastIndex); at !== -1; at = text.indexOf('-----END', at + 1)) {
        PEM_FOOTER.lastIndex = at;
        if (PEM_FOOTER.test(text)) {
          end = PEM_FOOTER.lastIndex;
          break;
        }
      }
      spans.push({ start: from, end });
      from = text.indexOf('-----BEGIN', end);
    }
    return spans;
  },
};

const jwt = regexRule(
  'jwt',
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,8000}\.eyJ[A-Za-z0-9_-]{5,16000}\.[A-Za-z0-9_-]{0,4000}/g,
  (t) => t.includes('eyJ'),
);

// Prefixed tokens: only a letter or digit right before means "part of a longer word"; an
// underscore or dash before them is a name joined to the token (`credentials_xoxb-…`).
const AWS_PREFIXES = ['AKIA', 'ASIA'];
const awsAccessKey = regexRule('aws-access-key', /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}/g, (t) =>
  has(t, AWS_PREFIXES),
);

/** 40 base64 characters right after an `aws_secret_access_key`-like name (the value alone has no marker). */
const awsSecretKey = regexRule(
  'aws-secret-key',
  /(?:aws[_-]?)?secret[_-]?(?:access[_-]?)?key[\s"'\\:=]{1,12}(?<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  (_, lower) => lower.includes('secret'),
  (m) => tailGroup(m, ['v'])?.span,
);

const GITHUB_PREFIXES = ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'];
const github = regexRule(
  'github-token',
  /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{30,251}|github_pat_[A-Za-z0-9_]{30,251})/g,
  (t) => has(t, GITHUB_PREFIXES),
);

const GITLAB_PREFIXES = ['glpat-', 'glptt-', 'gldt-', 'glrt-', 'glcbt-', 'gloas-'];
const gitlab = regexRule(
  'gitlab-token',
  // Routable tokens end in `.<2-digit version>.<crc>`; a plain `.txt` after a token is not part of it.
  /(?<![A-Za-z0-9])gl(?:pat|ptt|dt|rt|cbt|oas)-[A-Za-z0-9_-]{20,255}(?:\.[0-9]{2}\.[A-Za-z0-9]{2,32})?/g,
  (t) => has(t, GITLAB_PREFIXES),
);

const slackToken = regexRule('slack-token', /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,255}/g, (t) =>
  t.includes('xox'),
);
/** The whole webhook URL: its path is the credential. */
const slackWebhook = regexRule(
  'slack-token',
  /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{10,255}/g,
  (t) => t.includes('hooks.slack.com'),
);

const STRIPE_MARKS = ['_live_', '_test_', 'whsec_'];
const stripe = regexRule(
  'stripe-key',
  /(?<![A-Za-z0-9])(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}|whsec_[A-Za-z0-9+/=]{24,247})/g,
  (t) => has(t, STRIPE_MARKS),
);

const anthropic = regexRule('anthropic-key', /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,255}/g, (t) =>
  t.includes('sk-ant-'),
);

/** Project/service keys carry `-` and `_`; legacy keys are plain alphanumerics (so CSS-like slugs stay). */
const openai = regexRule(
  'openai-key',
  /(?<![A-Za-z0-9])sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,255}|[A-Za-z0-9]{20,255})/g,
  (t) => t.includes('sk-'),
);

const google = regexRule('google-api-key', /(?<![A-Za-z0-9])AIza[A-Za-z0-9_-]{35}/g, (t) => t.includes('AIza'));

const npm = regexRule('npm-token', /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36,251}/g, (t) => t.includes('npm_'));

// ---------------------------------------------------------------------------------------------
// Structural kinds: the secret is recognised by what surrounds it.

/** With `Authorization:` any base64 counts; a bare `Basic x` only when x decodes to `user:pass`. */
const basicAuth = regexRule(
  'basic-auth',
  /(?<![A-Za-z0-9_-])(?<hdr>authorization["']?[ \t]{0,3}[:=][ \t]{0,3}["']?[ \t]{0,3})?basic[ \t]{1,5}(?<v>[A-Za-z0-9+/]{4,4096}={0,2})/gi,
  (_, lower) => lower.includes('basic'),
  (m) => {
    const v = tailGroup(m, ['v']);
    if (v === undefined) return undefined;
    if (m.groups?.hdr !== undefined) return v.span;
    return /^[\x20-\x7e]{1,200}:[\x20-\x7e]{1,200}$/.test(Buffer.from(v.value, 'base64').toString('latin1'))
      ? v.span
      : undefined;
  },
);

const bearer = regexRule(
  'bearer-token',
  /(?<![A-Za-z0-9_-])(?:authorization["']?[ \t]{0,3}[:=][ \t]{0,3}["']?[ \t]{0,3}(?:bearer|token|bot)|bearer)[ \t]{1,5}(?<v>[A-Za-z0-9._~+/-]{8,4096}={0,2})/gi,
  (_, lower) => lower.includes('bearer') || lower.includes('authorization'),
  (m) => {
    const v = tailGroup(m, ['v']);
    // A plain word after "bearer" is prose ("bearer authentication"), not a token.
    return v === undefined || LETTERS.test(v.value) || isPlaceholder(v.value) ? undefined : v.span;
  },
);

/**
 * `scheme://user:pass@host`: only `pass` goes; user and host stay readable. The password may hold
 * `/`, `?` and `#` (people and tools write them unencoded); a port and path (`host:8080/a@b`) is
 * not a password.
 */
const urlPassword = regexRule(
  'url-password',
  /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,30}:\/\/[^\s:/?#@"'<>[\]{}]{0,256}:(?<v>[^\s@"'<>[\]{}]{1,256})(?=@[A-Za-z0-9[])/g,
  (t) => t.includes('://'),
  (m) => {
    const v = tailGroup(m, ['v']);
    if (v === undefined || isPlaceholder(v.value) || /^[0-9]{1,5}(?:[/?#]|$)/.test(v.value) || v.value.includes('://'))
      return undefined;
    return v.span;
  },
);

// ---------------------------------------------------------------------------------------------
// Assignments: a secret-like name, then a value of any shape.

const ENV_SECRET_WORDS = new Set([
  'KEY',
  'KEYS',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'PASS',
  'PWD',
  'CREDENTIAL',
  'CREDENTIALS',
  'AUTH',
  'OAUTH',
  'APIKEY',
  'ACCESSKEY',
  'SECRETKEY',
  'PRIVATEKEY',
  'AUTHTOKEN',
  'ACCESSTOKEN',
  'APITOKEN',
]);
/** A last name part that says the variable describes a secret rather than holds one (`TOKEN_LIMIT`, `KEY_FILE`). */
const ENV_DESCRIPTORS = new Set([
  'ID',
  'FILE',
  'PATH',
  'DIR',
  'URL',
  'URI',
  'NAME',
  'TYPE',
  'HEADER',
  'LIMIT',
  'COUNT',
  'SIZE',
  'LEN',
  'LENGTH',
  'MAX',
  'MIN',
  'TTL',
  'TIMEOUT',
  'EXPIRY',
  'EXPIRES',
  'EXPIRATION',
  'PREFIX',
  'ALGORITHM',
  'ALG',
  'ENABLED',
  'DISABLED',
  'REQUIRED',
  'MODE',
  'SOCK',
  'SOCKET',
  'HOST',
  'PORT',
  'USER',
  'USERNAME',
  'REGION',
  'VERSION',
  'FORMAT',
  'ENV',
  'VAR',
  'FIELD',
  'METHOD',
  'PROVIDER',
  'COMMAND',
  'CMD',
  'HELPER',
  'ENDPOINT',
  'LOCATION',
  'ARN',
  'SCOPE',
  'SCOPES',
]);

/** Fused words (`PGPASSWORD`, `GHTOKEN`); not `KEY` or `PASS`, which end `MONKEY` and `BYPASS`. */
const ENV_SECRET_SUFFIX = /(?:PASSWORD|PASSWD|SECRET|TOKEN|APIKEY)$/;

function isSecretEnvName(name: string): boolean {
  const parts = name.split('_').filter((p) => p !== '');
  const last = parts[parts.length - 1];
  if (last === undefined || name === 'PWD' || name === 'OLDPWD') return false;
  const secret = (p: string) => ENV_SECRET_WORDS.has(p) || ENV_SECRET_SUFFIX.test(p);
  return parts.some(secret) && (secret(last) || !ENV_DESCRIPTORS.has(last));
}

/**
 * `NAME=value` lines as in `.env` files and `export` statements: upper-case names (the dotenv
 * convention) and no space around `=` (shell syntax; `NAME = 'x'` is a code constant).
 */
function envRule(pattern: RegExp): Rule {
  return regexRule(
    'dotenv',
    pattern,
    (t) => t.includes('=') && /KEY|SECRET|TOKEN|PASS|PWD|CREDENTIAL|AUTH/.test(t),
    (m) => {
      const v = tailGroup(m, ['dq', 'sq', 'bare']);
      const name = m.groups?.name ?? '';
      if (v === undefined || !isSecretEnvName(name) || isPlaceholder(v.value) || PATH.test(v.value)) return undefined;
      return v.span;
    },
  );
}

const dotenv = envRule(
  /^[ \t]{0,20}(?:export[ \t]{1,5})?(?<name>[A-Z][A-Z0-9_]{0,127})=(?:"(?<dq>(?:[^"\\\n]|\\.){1,4096})(?=")|'(?<sq>[^'\n]{1,4096})(?=')|(?<bare>\S{1,4096}))/gm,
);

/** The same inside a command line (`DB_PASS=x ./run`), after `password=` and the like had their turn. */
const inlineEnv = envRule(
  /(?<=[\s;&|(])(?:export[ \t]{1,5})?(?<name>[A-Z][A-Z0-9_]{0,127})=(?:"(?<dq>(?:[^"\\\n]|\\.){1,4096})(?=")|'(?<sq>[^'\n]{1,4096})(?=')|(?<bare>\S{1,4096}))/g,
);

/** Names whose value is a secret. Each must end the key: `token=` counts, `tokens=` and `token_count=` do not. */
const KEYS =
  '(?:passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|(?:access|account|secret|private|signing|encryption|master|client|sharedaccess)[_-]?key|credentials?)';
/** A quoted value (plain or JSON-escaped quotes) or a bare word; each alternative ends where the value does. */
const VALUE = String.raw`(?:\\{1,3}"(?<esc>[^"\\\n]{1,512})(?=\\{1,3}")|"(?<dq>(?:[^"\\\n]|\\[^\n]){1,512})(?=")|'(?<sq>[^'\n]{1,512})(?=')|(?<bare>[^\s"'\x60<>{}[\](),;&|=$\\][^\s"'\x60<>{}[\](),;&|\\]{0,511}))`;
const VALUE_GROUPS = ['esc', 'dq', 'sq', 'bare'] as const;

/**
 * Unquoted values are where code and prose live (`token: string`, `password = opts.password`,
 * `the token: it expires`), so they must look like a literal: no calls, property reads or
 * camelCase identifiers, and after a loose separator (`:` or ` = `) not a bare word.
 */
function assignedValue(m: RegExpExecArray, text: string, flag: boolean): Span | undefined {
  const v = tailGroup(m, VALUE_GROUPS);
  if (v === undefined || isPlaceholder(v.value) || PATH.test(v.value)) return undefined;
  if (m.groups?.bare === undefined) return v.span;
  const sep = m.groups.sep ?? '';
  const loose = !flag && (sep.includes(':') || /\s/.test(sep));
  if (v.value.length < 3 || text[v.span.end] === '(' || MEMBER.test(v.value) || CAMEL.test(v.value)) return undefined;
  if (loose && LETTERS.test(v.value)) return undefined;
  return v.span;
}

const ASSIGNMENT_WORDS = ['pass', 'pwd', 'secret', 'token', 'key', 'credential'];

/** `password=…`, `token: …`, `"api_key": "…"`, `export DB_PASSWORD=…`, `secret := "…"`. Not after `/` (`/etc/passwd:`). */
const assignment = regexRule(
  'password-assignment',
  new RegExp(String.raw`(?<!/)${KEYS}(?<sep>\\{0,3}["']?[ \t]{0,3}(?::=|[:=])[ \t]{0,3})${VALUE}`, 'gi'),
  (_, lower) => has(lower, ASSIGNMENT_WORDS),
  (m, text) => assignedValue(m, text, false),
);

/** `--password …`, `--api-key=…`, `--db-password …`. */
const flagAssignment = regexRule(
  'password-assignment',
  new RegExp(String.raw`--(?:[A-Za-z0-9]{1,20}[-_]){0,4}${KEYS}(?<sep>=|[ \t]{1,5})${VALUE}`, 'gi'),
  (_, lower) => lower.includes('--') && has(lower, ASSIGNMENT_WORDS),
  (m, text) => assignedValue(m, text, true),
);

const CURL_USER = /\s(?:-u[ \t]{0,5}|--user(?:=|[ \t]{1,5}))["']?[^\s:"'`-][^\s:"'`]{0,127}:(?<v>[^\s"'`]{1,256})/g;

/**
 * `curl -u user:pass` and `--user user:pass`: the user stays. Only on a line that runs curl,
 * as `-u` means something else elsewhere (docker's `-u uid:gid`).
 */
const curlUser: Rule = {
  kind: 'password-assignment',
  when: (text) => text.includes('curl') && (text.includes('-u') || text.includes('--user')),
  find(text) {
    const spans: Span[] = [];
    CURL_USER.lastIndex = 0;
    for (let m = CURL_USER.exec(text); m !== null; m = CURL_USER.exec(text)) {
      const v = tailGroup(m, ['v']);
      // Bounded look back along the line, so a text full of `-u` costs a fixed amount per flag.
      const back = text.slice(Math.max(0, m.index - 300), m.index);
      const line = back.slice(back.lastIndexOf('\n') + 1);
      if (v !== undefined && /\bcurl\b/.test(line) && !isPlaceholder(v.value)) spans.push(v.span);
    }
    CURL_USER.lastIndex = 0;
    return spans;
  },
};

// ---------------------------------------------------------------------------------------------
// Last resort: a random-looking token shortly after a secret-like word ("the webhook secret is …").

/** The name must end its word: `tokens`, `keyboard` and `authentication_error` are not secret names. */
const ENTROPY_WORD = /(?:secret|token|passw(?:or)?d|passphrase|credentials?|key|auth(?:orization)?)(?![a-z])/i;
/** Ids, not credentials: session and record uuids sit next to `output_tokens` in every transcript. */
const UUID_START = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** A candidate is a whole run of these, 20 to 512 long: `[A-Za-z0-9+/_.~-]`, by char code. */
const TOKEN_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_.~-') TOKEN_CHAR[c.charCodeAt(0)] = 1;
const isTokenChar = (c: number) => c < 128 && TOKEN_CHAR[c] === 1;
const MIN_CANDIDATE = 20;
const MAX_CANDIDATE = 512;

/**
 * The candidate tokens of `text`, as [start, end) pairs: every whole run of token characters 20 to
 * 512 long, with up to two `=` of padding, that is not followed by more token characters or `=`
 * (longer than any credential: a blob, such as encrypted reasoning or a base64 payload, is judged
 * as a whole). What `/(?<![A-Za-z0-9+/_.~-])[A-Za-z0-9+/_.~-]{20,512}={0,2}/g` finds, less the
 * blobs, walked by hand: the regex cost twice as much, its lookbehind tried at every character.
 */
export function entropyCandidates(text: string): [number, number][] {
  const out: [number, number][] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isTokenChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isTokenChar(text.charCodeAt(i))) i++;
    if (i - start < MIN_CANDIDATE || i - start > MAX_CANDIDATE) continue;
    const runEnd = i;
    while (i < n && i - runEnd < 2 && text.charCodeAt(i) === 0x3d) i++;
    if (i < n && (isTokenChar(text.charCodeAt(i)) || text.charCodeAt(i) === 0x3d)) continue;
    out.push([start, i]);
  }
  return out;
}
/** How far after the name the token may start; the look-back adds the longest name's length to it. */
const ENTROPY_WINDOW = 40;
const LONGEST_NAME = 'authorization'.length;

/** Shannon entropy in bits per character. */
function shannon(s: string): number {
  const freq = new Map<string, number>();
  for (const c of s) freq.set(c, (freq.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of freq.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Random-looking: letters and digits mixed, high entropy, and not made of words: paths, package
 * names and identifiers (`codemie-opencode-darwin-arm64/package.json`) have entropy too, but their
 * separators fall between words and their letters run in long lower-case stretches.
 */
function looksRandom(token: string): boolean {
  if (UUID_START.test(token) || !/[0-9]/.test(token) || !/[A-Za-z]/.test(token)) return false;
  const parts = token.split(/[^A-Za-z0-9]/).filter((p) => p.length >= 3);
  const words = parts.filter((p) => /^(?:[A-Z]?[a-z]{1,100}|[A-Z]{1,100}|[0-9]{1,100})$/.test(p)).length;
  if (parts.length > 1 && words * 2 >= parts.length) return false;
  if ((token.match(/[a-z]{4,512}/g)?.length ?? 0) >= Math.max(3, token.length / 16)) return false;
  const separators = token.length - token.replace(/[^A-Za-z0-9]/g, '').length;
  return separators <= token.length * 0.15 && shannon(token) >= 3.5;
}

/** Walks the candidate tokens (not the names) so each character is looked at a bounded number of times. */
const highEntropy: Rule = {
  kind: 'high-entropy',
  fallback: true,
  when: (_, lower) => has(lower, ASSIGNMENT_WORDS) || lower.includes('auth'),
  find(text) {
    const spans: Span[] = [];
    for (const [start, end] of entropyCandidates(text)) {
      const before = text.slice(Math.max(0, start - ENTROPY_WINDOW - LONGEST_NAME), start);
      if (ENTROPY_WORD.test(before) && looksRandom(text.slice(start, end))) spans.push({ start, end });
    }
    return spans;
  },
};

// Each rule's trigger words (Rule.triggers): what its `when` looks for, or failing that (a `when`
// on `lower`, which may hold more than the regex can match), what its regex cannot match without.
const TOKENS: readonly Rule[] = [
  gated(privateKey, ['-----begin']),
  gated(jwt, ['eyj']),
  gated(awsAccessKey, ['akia', 'asia']),
  gated(awsSecretKey, ['secret']),
  gated(github, ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_']),
  gated(gitlab, ['glpat-', 'glptt-', 'gldt-', 'glrt-', 'glcbt-', 'gloas-']),
  gated(slackToken, ['xox']),
  gated(slackWebhook, ['hooks.slack']),
  gated(stripe, ['_live_', '_test_', 'whsec_']),
  gated(anthropic, ['sk-']),
  gated(openai, ['sk-']),
  gated(google, ['aiza']),
  gated(npm, ['npm_']),
  ...PREFIXED,
];
const STRUCTURAL: readonly Rule[] = [
  gated(basicAuth, ['basic']),
  gated(bearer, ['bearer', 'auth']),
  gated(urlPassword, ['://']),
  ...CONTEXTUAL,
  gated(dotenv, [...ASSIGNMENT_WORDS, 'auth']),
  gated(assignment, ASSIGNMENT_WORDS),
  gated(inlineEnv, [...ASSIGNMENT_WORDS, 'auth']),
  gated(flagAssignment, ASSIGNMENT_WORDS),
  gated(curlUser, ['curl']),
];

/** Highest priority first. User patterns from the config go between `SPECIFIC` and `GENERIC`. */
export const SPECIFIC: readonly Rule[] = [...TOKENS, { ...concatRule(() => TOKENS), always: true }];
// Base64 is looked for only in text with a trigger (`echo`, `base64`, `decode`, `data:` and the
// secret words among them): scanning every string for encoded runs doubled the cost of redaction.
export const GENERIC: readonly Rule[] = [
  ...STRUCTURAL,
  encodedRule(() => [...TOKENS, ...STRUCTURAL]),
  gated(highEntropy, [...ASSIGNMENT_WORDS, 'auth']),
];

// A trigger word TRIGGERS does not hold would never be found, and its rule would never run.
for (const rule of [...SPECIFIC, ...GENERIC]) {
  const unknown = rule.triggers?.filter((w) => !TRIGGER_WORDS.includes(w)) ?? [];
  if (unknown.length > 0)
    throw new Error(`redact: rule ${rule.kind} is gated on ${unknown.join(', ')}, not among TRIGGER_WORDS`);
}

/** Every built-in kind, in priority order. */
export const KINDS: readonly string[] = [...new Set([...SPECIFIC, ...GENERIC].map((r) => r.kind))];
