/**
 * Detectors for the forms an outside red team found leaking (issue 13, finding 9): tokens with
 * newer vendor prefixes, passwords on command lines and in prose, cookies, SAS signatures, docker
 * `auth` values, and key material printed without its BEGIN line. The same rules as patterns.ts:
 * a cheap `when` before any regex, bounded quantifiers, a lookbehind on token-shaped patterns.
 * Formats follow the vendors' documentation and gitleaks' rules.
 */

import { isPlaceholder, type Rule, type Span } from './patterns.js';
import { anyOfWords, gated, regexRule } from './regex-rule.js';

/** Values that stand for a secret instead of holding one (`$PW`, `${PW}`, `<password>`, `****`). */
const STAND_IN = /^(?:\$|\{\{|<|%[A-Za-z_(]|\*{3,}|x{3,}$|\.{3}|…|\[REDACTED:)/i;
const WORD = /^[A-Za-z_]{1,256}$/;
/** `opts.password`, `config.auth?.token`, `githubToken`: code naming a value, not the value. */
const CODE_NAME =
  /^(?:[A-Za-z_$][\w$]{0,100}(?:\??\.[A-Za-z_$][\w$]{0,100}){1,10}|[a-z]{1,50}(?:[A-Z][a-z0-9]{0,50}){1,10})$/;
/** Not a password: a stand-in, a placeholder word or constant, a reference in code. */
const notAValue = (v: string) => STAND_IN.test(v) || isPlaceholder(v) || CODE_NAME.test(v);

/** The span of named group `v`, which each pattern below places at the end of its match. */
function tail(m: RegExpExecArray, names: readonly string[] = ['v']): { value: string; span: Span } | undefined {
  for (const name of names) {
    const value = m.groups?.[name];
    if (value === undefined) continue;
    const end = m.index + m[0].length;
    return { value, span: { start: end - value.length, end } };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Prefixed tokens.

/** HashiCorp Vault service (`hvs.`) and batch (`hvb.`) tokens. */
const vault = regexRule(
  'vault-token',
  /(?<![A-Za-z0-9_.-])hv[sb]\.[A-Za-z0-9_-]{90,300}/g,
  (t) => t.includes('hvs.') || t.includes('hvb.'),
);
/** PyPI API tokens are macaroons: `pypi-` and a base64url body that starts `AgE`. */
const pypi = regexRule('pypi-token', /(?<![A-Za-z0-9])pypi-AgE[A-Za-z0-9_-]{50,1000}/g, (t) => t.includes('pypi-AgE'));
/** DigitalOcean personal, OAuth and refresh tokens. */
const digitalocean = regexRule('digitalocean-token', /(?<![A-Za-z0-9])do[opr]_v1_[a-f0-9]{64}/g, (t) =>
  t.includes('_v1_'),
);
/** Docker Hub personal and organisation access tokens. */
const docker = regexRule('docker-token', /(?<![A-Za-z0-9])dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,100}/g, (t) =>
  t.includes('dckr_'),
);
const sendgrid = regexRule(
  'sendgrid-key',
  /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
  (t) => t.includes('SG.'),
);
/** Hugging Face user (`hf_`) and organisation (`api_org_`) tokens: 34 letters, mixed case. */
const huggingface = regexRule(
  'huggingface-token',
  /(?<![A-Za-z0-9])(?:hf_|api_org_)[A-Za-z0-9]{34}(?![A-Za-z0-9])/g,
  (t) => t.includes('hf_') || t.includes('api_org_'),
  (m) =>
    /[A-Z]/.test(m[0].slice(3)) && /[a-z]/.test(m[0].slice(3))
      ? { start: m.index, end: m.index + m[0].length }
      : undefined,
);
/** The bech32 alphabet, upper-case. */
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';
/** age identities: bech32 after a fixed prefix. */
const age = regexRule('age-key', new RegExp(`AGE-SECRET-KEY-1[${BECH32}]{58}`, 'g'), (t) =>
  t.includes('AGE-SECRET-KEY-1'),
);
/** Telegram bot tokens, alone or in a Bot API URL path (`/bot<id>:<secret>/method`). */
const telegram = regexRule('telegram-bot-token', /(?<![0-9])[0-9]{5,16}:A[A-Za-z0-9_-]{34}(?![A-Za-z0-9_-])/g, (t) =>
  t.includes(':A'),
);

/**
 * Twilio: an API key SID (`SK` + 32 hex) is redacted itself; an account or API key SID followed
 * shortly by 32 hex characters (`-u AC…:<token>`, `Client("SK…", "<secret>")`) marks those as the
 * auth token or key secret.
 */
const TWILIO_SID = /(?<![A-Za-z0-9])(?:AC|SK)[0-9a-fA-F]{32}(?![A-Za-z0-9])/g;
const HEX32 = /(?<![A-Za-z0-9])[0-9a-fA-F]{32}(?![A-Za-z0-9])/g;
const twilio: Rule = {
  kind: 'twilio-key',
  when: (t) => t.includes('AC') || t.includes('SK'),
  find(text) {
    const spans: Span[] = [];
    TWILIO_SID.lastIndex = 0;
    for (let m = TWILIO_SID.exec(text); m !== null; m = TWILIO_SID.exec(text)) {
      const end = m.index + m[0].length;
      if (m[0].startsWith('SK')) spans.push({ start: m.index, end });
      const near = text.slice(end, end + 120);
      HEX32.lastIndex = 0;
      for (let h = HEX32.exec(near); h !== null; h = HEX32.exec(near)) {
        if (!/^(?:AC|SK)$/.test(near.slice(Math.max(0, h.index - 2), h.index)))
          spans.push({ start: end + h.index, end: end + h.index + 32 });
      }
    }
    TWILIO_SID.lastIndex = 0;
    return spans;
  },
};

// ---------------------------------------------------------------------------------------------
// Passwords on command lines: flags whose meaning depends on the program.

/** Quoted, or bare: not starting with punctuation that ends a command or a code span (`-p`, in prose). */
const VALUE = String.raw`(?:'(?<sq>[^'\n]{1,256})(?=')|"(?<dq>[^"\n]{1,256})(?=")|(?<bare>[^\s'"\x60,;()<>|&][^\s'"\x60]{0,255}))`;
const VALUE_GROUPS = ['sq', 'dq', 'bare'] as const;

/** Flag, then the programs it is a password for (looked for earlier on the same line); null: any. */
const CLI_FLAGS: readonly [RegExp, RegExp | null][] = [
  // mysql: the value attached to `-p` only; `mysql -p db` prompts and names a database.
  [/^-p$/, /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlsh|mariadb(?:-dump|-admin)?)\b/],
  [
    /^-p[ \t]+$/,
    /\b(?:sshpass|(?:docker|podman|nerdctl|buildah|skopeo|helm[ \t]+registry)[ \t]+login|mongo(?:sh|dump|restore|import|export)?|twine)\b/,
  ],
  [/^-a[ \t]+$/, /\b(?:redis-cli|keydb-cli|valkey-cli)\b/],
  [/^-P[ \t]+$/, /\b(?:zip|unzip|sqlcmd|bcp)\b/],
  [/^-pass(?:in|out)?[ \t]+pass:$/, null],
  [/^-(?:src|dest)?(?:store|key)pass[ \t]+$/, null],
];

// The flag's `-` comes first, so the engine skips to each `-` instead of trying every position.
const CLI_PASSWORD = new RegExp(
  String.raw`(?<flag>-(?<=\s-)(?:pass(?:in|out)?[ \t]+pass:|(?:src|dest)?(?:store|key)pass[ \t]+|p(?!ass(?:in|out)?[ \t])(?=[^\s'"-])|p[ \t]+|a[ \t]+|P[ \t]+))${VALUE}`,
  'g',
);
/** What a text must name for CLI_FLAGS to matter: a trie (anyOfWords), as it is tried on every text with ` -`. */
const CLI_PROGRAMS = new RegExp(
  anyOfWords([
    'mysql',
    'mariadb',
    'sshpass',
    'login',
    'mongo',
    'twine',
    'redis-cli',
    'keydb-cli',
    'valkey-cli',
    'zip',
    'sqlcmd',
    'bcp',
    '-pass',
    'storepass',
    'keypass',
  ]),
);

const cliPassword = regexRule(
  'cli-password',
  CLI_PASSWORD,
  (t) => t.includes(' -') && CLI_PROGRAMS.test(t),
  (m, text) => {
    const v = tail(m, VALUE_GROUPS);
    const flag = m.groups?.flag ?? '';
    if (v === undefined || notAValue(v.value)) return undefined;
    const rule = CLI_FLAGS.find(([f]) => f.test(flag));
    if (rule === undefined) return undefined;
    const [, program] = rule;
    if (program !== null) {
      // Bounded look back along the line: a text full of flags costs a fixed amount per flag.
      const back = text.slice(Math.max(0, m.index - 300), m.index);
      if (!program.test(back.slice(back.lastIndexOf('\n') + 1))) return undefined;
    }
    return v.span;
  },
);

// ---------------------------------------------------------------------------------------------
// Passwords in prose: the password "is" or "was" a value; `password: x` is an assignment (patterns.ts).

const PROSE =
  /\b(?:password|passwd|passphrase|passcode|pass ?word|pw|pwd|pin)(?:[ \t]+(?:for|of|to|on)(?:[ \t]+[^\s]{1,60}){1,4}?)?[ \t]+(?:is|was|will[ \t]+be|should[ \t]+be|became)[ \t]+(?:now[ \t]+|still[ \t]+|set[ \t]+to[ \t]+|just[ \t]+)?(?:(?<q>["'\x60])(?<quoted>[^"'\x60\n]{1,128})(?=["'\x60])|(?<bare>[^\s"'\x60]{4,128}))/gi;

const prosePassword = regexRule(
  'password-prose',
  PROSE,
  (_, lower) => lower.includes('pass') || lower.includes('pw') || lower.includes('pin '),
  (m) => {
    const quoted = m.groups?.quoted;
    const end = m.index + m[0].length;
    if (quoted !== undefined) return notAValue(quoted) ? undefined : { start: end - quoted.length, end };
    const bare = m.groups?.bare;
    if (bare === undefined) return undefined;
    // A sentence's last full stop or comma is not part of the password.
    const value = bare.replace(/[.,;:)]+$/, '');
    // A word is prose ("the password is required"), as is a path or a reference.
    if (value.length < 4 || WORD.test(value) || notAValue(value) || /^(?:\/|~\/|\.\.?\/)/.test(value)) return undefined;
    const start = end - bare.length;
    return { start, end: start + value.length };
  },
);

// ---------------------------------------------------------------------------------------------
// Web credentials: SAS signatures, docker `auth` values, cookies.

/** Azure shared access signatures: the `sig` parameter is the HMAC that grants access. */
const azureSas = regexRule(
  'azure-sas',
  /(?<=[?&;]|\\u0026)sig=(?<v>[A-Za-z0-9%+/=_-]{16,512})/g,
  (t) => t.includes('sig='),
  (m) => tail(m)?.span,
);

const decodesToCredential = (b64: string) =>
  /^[\x20-\x7e]{1,256}:[\x20-\x7e]{1,512}$/.test(Buffer.from(b64, 'base64').toString('latin1'));

/** `~/.docker/config.json`: `"auth"` is base64 of `user:password`; `"identitytoken"` a refresh token. */
const dockerAuth = regexRule(
  'docker-auth',
  /\\{0,3}"(?<key>auth|identitytoken|registrytoken)\\{0,3}"[ \t]{0,3}:[ \t]{0,3}\\{0,3}"(?<v>[A-Za-z0-9+/._-]{8,4096}={0,2})(?=\\{0,3}")/gi,
  (t) => t.includes('"auth') || t.includes('token"') || t.includes('token\\"'),
  (m) => {
    const v = tail(m);
    if (v === undefined) return undefined;
    return m.groups?.key?.toLowerCase() !== 'auth' || decodesToCredential(v.value) ? v.span : undefined;
  },
);

/** `Cookie:` holds pairs; `Set-Cookie:` one pair, then attributes. curl's `-b`/`--cookie` too. */
const COOKIE =
  /(?<![A-Za-z0-9-])(?:(?<set>set-)?cookie[ \t]{0,3}:|(?<=\s)(?:-b|--cookie)(?:[ \t]{1,5}|=)["']?)[ \t]{0,3}(?<pairs>[^\r\n'"]{1,4096})/gi;
const PAIR = /(?:^|;)[ \t]{0,5}(?<name>[^=;\s]{1,128})=(?<value>[^;\s]{1,4096})/g;
/** A session token, not a preference (`theme=dark`, `lang=en`). */
const tokenLike = (v: string) => v.length >= 8 && !WORD.test(v) && !STAND_IN.test(v);

const cookie: Rule = {
  kind: 'session-cookie',
  when: (t) => t.includes('ookie') || t.includes('OOKIE') || (t.includes(' -b ') && t.includes('curl')),
  find(text) {
    const spans: Span[] = [];
    COOKIE.lastIndex = 0;
    for (let m = COOKIE.exec(text); m !== null; m = COOKIE.exec(text)) {
      const pairs = m.groups?.pairs ?? '';
      const base = m.index + m[0].length - pairs.length;
      PAIR.lastIndex = 0;
      for (let p = PAIR.exec(pairs); p !== null; p = PAIR.exec(pairs)) {
        const value = p.groups?.value ?? '';
        const end = base + p.index + p[0].length;
        if (tokenLike(value)) spans.push({ start: end - value.length, end });
        // Set-Cookie's attributes after the first pair (Path, Expires) are not secrets.
        if (m.groups?.set !== undefined) break;
      }
    }
    COOKIE.lastIndex = 0;
    return spans;
  },
};

// ---------------------------------------------------------------------------------------------
// Key material without its BEGIN line: `sed 1d key.pem`, `tail -n 20 id_rsa`, an output cut.

/** Three or more full base64 lines (PEM wraps at 64, OpenSSH at 70, MIME at 76), real or `\n`-escaped newlines. */
const KEY_BODY =
  /(?<![A-Za-z0-9+/=])(?:[A-Za-z0-9+/]{60,76}(?:\r?\n|\\n)){3,4000}(?:[A-Za-z0-9+/]{0,76}={0,2}(?:(?:\r?\n|\\n)(?=-----END))?)?/g;
/** Public material is not a secret: a certificate, a public key, a CSR. */
const PUBLIC_HEADER =
  /-----BEGIN (?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST|X509 CRL|PGP PUBLIC KEY BLOCK|PGP SIGNATURE|PGP MESSAGE|SSH2 PUBLIC KEY)-----/;

const MIN_RUN = 16;

const isB64 = (c: number) =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
/** Base64 and base64url, `[A-Za-z0-9+/_-]`, by char code: a table look-up is the cheapest test of a character. */
const B64_RUN = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') B64_RUN[c.charCodeAt(0)] = 1;
const isB64Run = (c: number) => c < 128 && B64_RUN[c] === 1;

/**
 * The runs of 16 or more base64 characters in `text` (`[A-Za-z0-9+/_-]`, each run whole), as
 * [start, end) pairs. Walked by hand: matching every run with `/[A-Za-z0-9+/_-]+/g` and dropping
 * the short ones cost twice as much, a match object for every word of the text.
 */
export function longRuns(text: string): [number, number][] {
  const runs: [number, number][] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isB64Run(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isB64Run(text.charCodeAt(i))) i++;
    if (i - start >= MIN_RUN) runs.push([start, i]);
  }
  return runs;
}

/**
 * Whether some line (real or `\n`-escaped newline) ends in 60 or more base64 characters: walks
 * back from each newline, so ordinary text costs a few characters per line.
 */
function hasFullLine(text: string, sep: string): boolean {
  for (let i = text.indexOf(sep); i !== -1; i = text.indexOf(sep, i + 1)) {
    let k = i - 1;
    while (k >= 0 && i - k <= 60 && isB64(text.charCodeAt(k))) k--;
    if (i - k > 60) return true;
  }
  return false;
}

const keyBody = regexRule(
  'private-key',
  KEY_BODY,
  (t) => t.length >= 180 && (hasFullLine(t, '\n') || hasFullLine(t, '\\n')),
  (m, text) => {
    const before = text.slice(Math.max(0, m.index - 200), m.index);
    const header = before.lastIndexOf('-----BEGIN');
    if (header !== -1 && PUBLIC_HEADER.test(before.slice(header))) return undefined;
    return { start: m.index, end: m.index + m[0].length };
  },
);

// ---------------------------------------------------------------------------------------------
// Secrets inside other encodings: base64 of a secret, a token split across string literals.

/** DER starts of private keys: PKCS#8, PKCS#1 RSA, SEC1 EC, and OpenSSH's `openssh-key-v1`. */
function isPrivateKeyDer(bytes: Buffer): boolean {
  if (bytes.subarray(0, 15).toString('latin1') === 'openssh-key-v1\0') return true;
  if (bytes[0] !== 0x30) return false;
  // SEQUENCE with a long or short length, then INTEGER version 0 (PKCS#8, PKCS#1) or 1 (SEC1).
  const at = bytes[1] === 0x82 ? 4 : bytes[1] === 0x81 ? 3 : 2;
  return (
    bytes[at] === 0x02 &&
    bytes[at + 1] === 0x01 &&
    (bytes[at + 2] === 0x00 || (bytes[at + 2] === 0x01 && bytes[at + 3] === 0x04))
  );
}

/** Whether text[start, end) holds both an upper-case and a lower-case ASCII letter. */
function mixesCase(text: string, start: number, end: number): boolean {
  let upper = false;
  let lower = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (c >= 0x61 && c <= 0x7a) lower = true;
    if (upper && lower) return true;
  }
  return false;
}

/** Every 4th character, from the first, is one that encodes a byte below 0x80 first. */
function asciiGroups(s: string): boolean {
  for (let i = 0; i < s.length; i += 4) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** Printable text: what a base64-encoded secret decodes to (a token, an env file, a config). */
function isText(bytes: Buffer): boolean {
  if (bytes.length < 8) return false;
  let printable = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable++;
  return printable >= bytes.length * 0.97;
}

const MAX_ENCODED = 4096;

/**
 * A base64 string that decodes to text holding a recognised secret, or to a private key's DER.
 * `inner` are the rules run on the decoded text (every firm built-in rule but this one).
 */
export function encodedRule(inner: () => readonly Rule[]): Rule {
  return {
    kind: 'base64-secret',
    when: (t) => t.length >= 16,
    find(text) {
      const spans: Span[] = [];
      // Every run is walked and the short ones dropped (longRuns): a `{16,}` pattern would retry
      // inside each shorter word, and costs several times more on ordinary text.
      for (const [start, runEnd] of longRuns(text)) {
        const end = encodedEnd(text, start, runEnd);
        if (end !== -1 && encodesSecret(text.slice(start, end), inner)) spans.push({ start, end });
      }
      return spans;
    },
  };
}

/**
 * Where the base64 value in the run [start, runEnd) ends, its padding included, or -1 when the run
 * cannot be one. These checks read the text in place, before any slice: most runs are words and
 * paths, and fail them.
 */
function encodedEnd(text: string, start: number, runEnd: number): number {
  if (runEnd - start > MAX_ENCODED) return -1;
  let end = runEnd;
  while (end - runEnd < 2 && text.charCodeAt(end) === 0x3d) end++;
  // Padding ends an encoded value: `=` then more text is an assignment, not base64.
  const next = text.charCodeAt(end);
  if (next === 0x3d || isB64Run(next)) return -1;
  // Encoded text mixes cases; a lower-case identifier or a hex digest is not base64 of anything.
  if (!mixesCase(text, start, runEnd)) return -1;
  return end;
}

/** Whether base64 `s` decodes to a private key's DER, or to text in which an `inner` rule finds a secret. */
function encodesSecret(s: string, inner: () => readonly Rule[]): boolean {
  const der = s.length >= 86 && (s.startsWith('MI') || s.startsWith('MH') || s.startsWith('b3BlbnNzaC1rZXkt'));
  // Without decoding: each 4-character group of encoded ASCII text starts with A–Z or a–f
  // (the first byte's top bit is clear); identifiers and paths rarely do.
  if (!der && !asciiGroups(s)) return false;
  const bytes = Buffer.from(s, /[-_]/.test(s) ? 'base64url' : 'base64');
  if (der && isPrivateKeyDer(bytes)) return true;
  if (!isText(bytes)) return false;
  const decoded = bytes.toString('latin1');
  const lower = decoded.toLowerCase();
  return inner().some((r) => r.when(decoded, lower) && r.find(decoded).length > 0);
}

const SPLIT_HINT =
  /["'\x60][ \t]{0,8}(?:\+|\.\.?[ \t])|\+[ \t]{0,8}\r?\n?[ \t]{0,40}["'\x60]|["'\x60][ \t]{1,8}["'\x60]|\([ \t]{0,8}["'\x60]/;

/** String literals and what joins them: `+` (JS, Java, Python), `..` (Lua), `.` (PHP), nothing (Python, C). */
const LITERAL = /(["'\x60])([^"'\x60\\\n]{0,300})\1/g;
const JOIN = /^[ \t]{0,8}(?:\+|\.\.?)?[ \t]{0,8}(?:\r?\n[ \t]{0,40}(?:\+|\.\.?)?[ \t]{0,8})?$/;

/**
 * A token split into string literals (`"sk-ant-" + "api03…"`, `'ghp_' + '…'`): the literals of a
 * chain are joined and the token rules run on the result; a hit redacts the whole chain.
 */
export function concatRule(inner: () => readonly Rule[]): Rule {
  return {
    kind: 'split-secret',
    // Substring checks only: this rule runs on every text, trigger or not.
    // One scan whose branches start with a quote, `+` or `(`: the engine skips to those.
    when: (t) => SPLIT_HINT.test(t),
    find(text) {
      const spans: Span[] = [];
      const literals: { start: number; end: number; body: string }[] = [];
      LITERAL.lastIndex = 0;
      for (let m = LITERAL.exec(text); m !== null; m = LITERAL.exec(text)) {
        literals.push({ start: m.index + 1, end: m.index + m[0].length - 1, body: m[2] ?? '' });
      }
      LITERAL.lastIndex = 0;
      let i = 0;
      while (i < literals.length) {
        let j = i;
        while (
          j + 1 < literals.length &&
          JOIN.test(text.slice((literals[j]?.end ?? 0) + 1, (literals[j + 1]?.start ?? 0) - 1))
        )
          j++;
        if (j > i) {
          const chain = literals.slice(i, j + 1);
          const joined = chain.map((l) => l.body).join('');
          const lower = joined.toLowerCase();
          if (inner().some((r) => r.when(joined, lower) && r.find(joined).length > 0)) {
            spans.push({ start: chain[0]?.start ?? 0, end: chain[chain.length - 1]?.end ?? 0 });
          }
        }
        i = j + 1;
      }
      return spans;
    },
  };
}

/**
 * Prefixed tokens, most specific first; they go with patterns.ts's SPECIFIC rules. Gated on the
 * trigger words their `when` looks for (Rule.triggers); telegram's and twilio's look for none.
 */
export const PREFIXED: readonly Rule[] = [
  gated(vault, ['hvs.', 'hvb.']),
  gated(pypi, ['pypi-']),
  gated(digitalocean, ['_v1_']),
  gated(docker, ['ckr_']),
  gated(sendgrid, ['sg.']),
  gated(huggingface, ['hf_', 'api_org_']),
  gated(age, ['secret']),
  telegram,
  twilio,
];
/**
 * Recognised by their surroundings; they go with patterns.ts's GENERIC rules, before the
 * assignments. The CLI flags, cookies and prose look for words no trigger word stands for.
 */
export const CONTEXTUAL: readonly Rule[] = [
  { ...keyBody, always: true },
  cliPassword,
  gated(azureSas, ['sig=']),
  gated(dockerAuth, ['auth', 'token']),
  cookie,
  prosePassword,
];
