import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KINDS } from '../../src/redact/patterns.js';
import { createRedactor, redactDeep } from '../../src/redact/redact.js';
import { claudeTranscripts, codexRollouts, ROOT } from '../helpers.js';
import { falsePositives, filesUnder, transcriptTexts } from './false-positives.js';
import { plantedSecrets } from './planted.js';

const markers = (text: string) => text.match(/\[REDACTED:[a-z0-9-]+\]/g) ?? [];

describe('redaction: planted secrets', () => {
  const planted = plantedSecrets(20240601);

  it('plants at least 120 secrets, five or more of every kind', () => {
    assert.ok(planted.length >= 120, `only ${planted.length}`);
    for (const kind of KINDS) {
      assert.ok(planted.filter((p) => p.kind === kind).length >= 5, `fewer than 5 of ${kind}`);
    }
    assert.deepEqual(plantedSecrets(20240601), planted, 'same seed, same secrets');
  });

  it('removes every planted secret in every context, names its kind, leaves no piece of it', () => {
    const r = createRedactor();
    const stats = new Map<string, { secrets: number; contexts: number; caught: number }>();
    const misses: string[] = [];
    for (const { kind, secret, contexts } of planted) {
      const row = stats.get(kind) ?? { secrets: 0, contexts: 0, caught: 0 };
      row.secrets += 1;
      for (const context of contexts) {
        row.contexts += 1;
        const out = r.redact(context);
        // Any 12-character piece of the secret that survives and was not already in the context around it.
        const around = context.split(secret).join('\u0000');
        const piece = Array.from({ length: Math.max(1, secret.length - 11) }, (_, i) => secret.slice(i, i + 12)).find(
          (w) => out.includes(w) && !around.includes(w),
        );
        if (!out.includes(secret) && out.includes(`[REDACTED:${kind}]`) && piece === undefined) row.caught += 1;
        else misses.push(`${kind}: ${JSON.stringify(context)}\n  -> ${JSON.stringify(out)}`);
      }
      stats.set(kind, row);
    }
    console.log('recall per kind');
    for (const [kind, s] of stats) {
      console.log(
        `  ${kind.padEnd(20)} ${String(s.secrets).padStart(2)} secrets ${String(s.contexts).padStart(3)} contexts  ${((100 * s.caught) / s.contexts).toFixed(1)}%`,
      );
    }
    assert.deepEqual(misses, []);
  });
});

describe('redaction: false positives on ordinary text', () => {
  it("changes under 0.1% of the project's own source tokens", () => {
    const files = [
      ...filesUnder(join(ROOT, 'src'), '.ts'),
      ...filesUnder(join(ROOT, 'hooks'), '.cjs'),
      join(ROOT, 'README.md'),
    ];
    assert.ok(files.length > 20);
    const rate = falsePositives(
      'project sources',
      files.map((f) => readFileSync(f, 'utf8')),
    );
    assert.ok(rate < 0.001, `false-positive rate ${rate}`);
  });

  it('leaves at least 99.9% of the text tokens of the sessions recorded from the real clients unchanged', () => {
    const files = [...claudeTranscripts(), ...codexRollouts()];
    assert.ok(files.length >= 10);
    const texts = transcriptTexts(files);
    assert.ok(texts.length > 2_000, `${texts.length} texts`);
    const rate = falsePositives('recorded sessions', texts);
    assert.ok(rate < 0.001, `false-positive rate ${rate}`);
  });
});

describe('redaction: what is kept, options', () => {
  it('url-password keeps scheme, user and host', () => {
    const r = createRedactor();
    assert.equal(
      r.redact('postgres://app:S3cr3t-x9@db.internal:5432/app'),
      'postgres://app:[REDACTED:url-password]@db.internal:5432/app',
    );
    assert.equal(
      r.redact('git clone https://deploy:pA55w0rd!@git.example.com/t/r.git'),
      'git clone https://deploy:[REDACTED:url-password]@git.example.com/t/r.git',
    );
    assert.equal(
      r.redact('see http://localhost:3000/path and git@github.com:o/r.git'),
      'see http://localhost:3000/path and git@github.com:o/r.git',
    );
  });

  it('password-assignment keeps the key name and separator in every form', () => {
    const r = createRedactor();
    const cases: [string, string][] = [
      ['password=hunter2x', 'password=[REDACTED:password-assignment]'],
      ['passwd: s3cret!1', 'passwd: [REDACTED:password-assignment]'],
      ['{"db_password": "x9!yz"}', '{"db_password": "[REDACTED:password-assignment]"}'],
      ['mysql --password Tr0ub4dor&3', 'mysql --password [REDACTED:password-assignment]&3'],
      ['run --api-key=abc123def', 'run --api-key=[REDACTED:password-assignment]'],
      ['cd x && export API_TOKEN=abc123 && go', 'cd x && export API_TOKEN=[REDACTED:password-assignment] && go'],
      ['client_secret=q1w2e3r4&grant_type=x', 'client_secret=[REDACTED:password-assignment]&grant_type=x'],
      ['DB_PASSWORD=abc123\nPORT=1', 'DB_PASSWORD=[REDACTED:dotenv]\nPORT=1'],
      ["curl -s -u 'deploy:pa55-word' https://x", "curl -s -u 'deploy:[REDACTED:password-assignment]' https://x"],
      [
        'AccountName=acme;AccountKey=Zm9vYmFy0123==;Suffix=x',
        'AccountName=acme;AccountKey=[REDACTED:password-assignment];Suffix=x',
      ],
    ];
    for (const [input, expected] of cases) assert.equal(r.redact(input), expected);
  });

  it('leaves code that merely names a secret alone', () => {
    const r = createRedactor();
    for (const code of [
      'const token = opts.token;',
      'password: z.string().optional(),',
      'readonly apiKey: string;',
      'tokens.map((token) => token.trim())',
      'if (token === undefined) return;',
      'token = nextToken()',
      '"max_tokens": 4096, "input_tokens": 12',
      'Authorization: `Bearer ${token}`',
      'PWD=/work/main\nTOKEN_LIMIT=5\nAWS_ACCESS_KEY_ID_FILE=/run/secrets/id',
      'grep root /etc/passwd: no such file',
      'docker run -u 1000:1000 node:20',
    ]) {
      assert.equal(r.redact(code), code);
    }
    assert.deepEqual(r.counts, {});
  });

  it('names the most specific kind: anthropic over openai, jwt over bearer, token kinds over assignments', () => {
    const r = createRedactor();
    const ant = `sk-ant-api03-${'Ab3_'.repeat(23)}AA`;
    assert.equal(r.redact(`ANTHROPIC_API_KEY=${ant}`), 'ANTHROPIC_API_KEY=[REDACTED:anthropic-key]');
    assert.equal(r.redact(`key: sk-${'a1B2'.repeat(12)}`), 'key: [REDACTED:openai-key]');
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    assert.equal(r.redact(`Authorization: Bearer ${jwt}`), 'Authorization: Bearer [REDACTED:jwt]');
    assert.equal(r.redact(`"token": "ghp_${'x7Y'.repeat(12)}"`), '"token": "[REDACTED:github-token]"');
  });

  it('keeps the path or URL around a recognised token readable', () => {
    const r = createRedactor();
    const ghp = `ghp_${'p0Q'.repeat(12)}`;
    assert.equal(
      r.redact(`saved the credential to /tmp/${ghp}.txt`),
      'saved the credential to /tmp/[REDACTED:github-token].txt',
    );
    assert.equal(
      r.redact(`git clone https://${ghp}@github.com/o/r.git`),
      'git clone https://[REDACTED:github-token]@github.com/o/r.git',
    );
  });

  it('is idempotent: redacting redacted text changes nothing and counts nothing', () => {
    const r = createRedactor();
    const once = r.redact('password=hunter2x\nSESSION_SECRET=abc123\nhttps://u:pw12345@h/ Bearer abc123def456ghi');
    const before = r.counts;
    assert.equal(r.redact(once), once);
    assert.deepEqual(r.counts, before);
  });

  it('never redacts allow-listed strings', () => {
    const r = createRedactor({ allow: ['AKIAIOSFODNN7EXAMPLE', 'hunter2x'] });
    assert.equal(r.redact('aws_access_key_id = AKIAIOSFODNN7EXAMPLE'), 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE');
    assert.equal(
      r.redact('password=hunter2x password=hunter3x'),
      'password=hunter2x password=[REDACTED:password-assignment]',
    );
  });

  it('applies extra patterns from the config, redacting the first group when there is one', () => {
    const r = createRedactor({
      extra: [
        { kind: 'acme-token', pattern: 'acme_[a-z0-9]{16}' },
        { kind: 'internal-id', pattern: 'emp-id=(\\d{6})' },
      ],
    });
    assert.equal(r.redact('use acme_0123456789abcdef now'), 'use [REDACTED:acme-token] now');
    assert.equal(r.redact('emp-id=123456'), 'emp-id=[REDACTED:internal-id]');
    assert.equal(r.redact('hi'), 'hi');
    assert.deepEqual(r.counts, { 'acme-token': 1, 'internal-id': 1 });
  });

  it('rejects an invalid extra pattern with an error naming it', () => {
    assert.throws(
      () => createRedactor({ extra: [{ kind: 'acme-token', pattern: 'acme_[a-z' }] }),
      (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, /acme-token/);
        assert.ok(err.message.includes('/acme_[a-z/'), err.message);
        assert.match(err.message, /not a valid regular expression/);
        return true;
      },
    );
    assert.throws(() => createRedactor({ extra: [{ kind: 'empty', pattern: 'x*' }] }), /matches the empty string/);
    assert.throws(() => createRedactor({ extra: [{ kind: 'Not Kebab', pattern: 'x' }] }), /kebab-case/);
  });
});

describe('redaction: adversarial inputs', { timeout: 60_000 }, () => {
  const MB = 1 << 20;
  const fill = (unit: string, prefix = '', suffix = '') => prefix + unit.repeat(Math.ceil(MB / unit.length)) + suffix;
  const inputs: [string, string, ((out: string) => void)?][] = [
    ['a', fill('a'), (out) => assert.equal(out.length, fill('a').length)],
    ['=', fill('=')],
    ['-----BEGIN', fill('-----BEGIN')],
    ['eyJ', fill('eyJ')],
    ['eyJ run without dots', fill('a', 'x eyJ')],
    ['eyJ.', fill('eyJaaaaa.')],
    ['nested quotes', fill('"\\"\'')],
    ['password=" with escaped quotes', fill('\\"', 'password="')],
    ['password=" unterminated', fill('a', '"password": "')],
    ['token: repeated', fill('token: ')],
    ['password= repeated', fill('password=')],
    ['--password repeated', fill('--password ')],
    ['Bearer repeated', fill('Bearer ')],
    ['Authorization: Basic + long base64', fill('QUJD', 'Authorization: Basic ')],
    ['url without @', fill('p', 'https://user:')],
    ['scheme-like run', fill('a+', '', '://')],
    ['ghp_ run', fill('ghp_')],
    ['AKIA run', fill('AKIA')],
    ['sk- run', fill('sk-')],
    ['xoxb- dashes', fill('-', 'xoxb-')],
    ['KEY= lines', fill('SECRET_KEY=value123\n')],
    ['keyword then random text', fill('key aB3dE5gH7jK9mN1pQ3rS5t ')],
    ['one long token after a keyword', fill('aB3x', 'secret ')],
    [
      'private key without END',
      fill('QUJD', '-----BEGIN RSA PRIVATE KEY-----\n'),
      (out) => assert.equal(out, '[REDACTED:private-key]'),
    ],
    ['curl -u flags', fill(' -u ab:cd', 'curl')],
    ['many BEGIN headers', fill('-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n')],
  ];
  for (const [name, input, check] of inputs) {
    it(`1 MB of ${name}: finishes and returns a string`, () => {
      const out = createRedactor().redact(input);
      assert.equal(typeof out, 'string');
      check?.(out);
    });
  }
});

describe('redactDeep', () => {
  const ghp = `ghp_${'k3Y'.repeat(12)}`;
  const deepFreeze = <T>(v: T): T => {
    if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) deepFreeze(x);
    return Object.freeze(v);
  };

  it('redacts keys and values at every depth, keeps other values, never mutates the input', () => {
    const input = deepFreeze({
      kind: 'tool_call',
      [ghp]: { list: ['password=hunter2x', 42, null, true, ['nested AKIA0123456789ABCDEF']] },
      ok: 'plain text',
    });
    const snapshot = structuredClone(input);
    const r = createRedactor();
    const out = redactDeep(input, r);
    assert.deepEqual(input, snapshot);
    assert.notEqual(out, input);
    assert.deepEqual(out, {
      kind: 'tool_call',
      '[REDACTED:github-token]': {
        list: ['password=[REDACTED:password-assignment]', 42, null, true, ['nested [REDACTED:aws-access-key]']],
      },
      ok: 'plain text',
    });
    assert.ok(!JSON.stringify(out).includes(ghp));
  });

  it('keeps both values when two keys redact to the same marker, and keeps __proto__ a plain key', () => {
    const other = `ghp_${'z9Q'.repeat(12)}`;
    const input: unknown = JSON.parse(`{"${ghp}": 1, "${other}": 2, "__proto__": {"polluted": "password=x1y2z3"}}`);
    const out = redactDeep(input, createRedactor());
    assert.deepEqual(Object.keys(out as object), ['[REDACTED:github-token]', '[REDACTED:github-token]#2', '__proto__']);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, {
      polluted: 'password=[REDACTED:password-assignment]',
    });
  });

  it('passes primitives through and redacts a bare string', () => {
    const r = createRedactor();
    assert.equal(redactDeep(7, r), 7);
    assert.equal(redactDeep(null, r), null);
    assert.equal(redactDeep(`x ${ghp}`, r), 'x [REDACTED:github-token]');
  });
});

describe('redaction counts', () => {
  it('counts per kind, cumulatively, exactly one per marker written', () => {
    const r = createRedactor();
    const a = r.redact(`two: ghp_${'a1B'.repeat(12)} and ghs_${'c2D'.repeat(12)}; db postgres://u:pw12345@h/db`);
    const b = r.redact(
      `again ghp_${'e3F'.repeat(12)}\nSESSION_SECRET=abc123def\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----`,
    );
    assert.deepEqual(r.counts, { 'github-token': 3, 'url-password': 1, dotenv: 1, 'private-key': 1 });
    const total = Object.values(r.counts).reduce((s, n) => s + n, 0);
    assert.equal(total, markers(a).length + markers(b).length);
    for (const kind of Object.keys(r.counts)) assert.ok(KINDS.includes(kind), kind);
  });

  it('hands out a frozen snapshot that holds kinds and numbers only', () => {
    const r = createRedactor();
    r.redact('password=hunter2x');
    const counts = r.counts;
    assert.ok(Object.isFrozen(counts));
    r.redact('password=hunter3x');
    assert.deepEqual(counts, { 'password-assignment': 1 });
    assert.deepEqual(r.counts, { 'password-assignment': 2 });
    assert.ok(!JSON.stringify(r.counts).includes('hunter'));
  });

  it('counts overlapping detections of one secret once', () => {
    const r = createRedactor();
    r.redact(`curl -H "Authorization: Bearer ghp_${'g4H'.repeat(12)}"`);
    assert.deepEqual(r.counts, { 'github-token': 1 });
  });
});
