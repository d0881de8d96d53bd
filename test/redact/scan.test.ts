import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
// patterns.js before forms.js: the two import each other, and patterns.js must be the one loaded first.
import {
  entropyCandidates,
  GENERIC,
  SPECIFIC,
  TRIGGER_WORDS,
  TRIGGERS,
  triggerWordsIn,
  type Rule,
} from '../../src/redact/patterns.js';
import { longRuns } from '../../src/redact/forms.js';
import { createRedactor, redactDeep } from '../../src/redact/redact.js';
import { plantedSecrets } from './planted.js';

/**
 * The scans that keep redaction cheap (a trie for TRIGGERS, rules skipped by the trigger words a
 * text holds, runs walked by hand) must find exactly what the plain definitions they replace find:
 * each is checked here against that definition.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const escapeRegex = (w: string) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** Lower-cases A–Z only: the case folding of a regex with `i` and without `u`. */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** A fixed pseudo-random sequence (an LCG; the same every run). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

/** Texts full of near-misses: pieces of trigger words, token characters, separators, other scripts. */
function randomTexts(count: number, seed: number): string[] {
  const next = lcg(seed);
  const pieces = [
    ...TRIGGER_WORDS,
    ...TRIGGER_WORDS.map((w) => w.toUpperCase()),
    ...TRIGGER_WORDS.map((w) => w.slice(0, -1)),
    'aB3',
    'x',
    '0',
    '+/',
    '_',
    '-',
    '.',
    '~',
    '=',
    '==',
    ' ',
    '\n',
    '"',
    ':',
    '\u212Aey',
    'ſecret',
    'İ',
    '…',
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const n = Math.floor(next() * 40);
    for (let k = 0; k < n; k++) {
      const p = pieces[Math.floor(next() * pieces.length)] ?? '';
      s += next() < 0.3 ? p.repeat(1 + Math.floor(next() * 30)) : p;
    }
    out.push(s);
  }
  return out;
}

/** Lines of the project's own source: ordinary text, with trigger words in it. */
function sourceLines(): string[] {
  const files = readdirSync(join(ROOT, 'src'), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name));
  return files.flatMap((f) => readFileSync(f, 'utf8').split('\n'));
}

const planted = plantedSecrets(7).flatMap((p) => [...p.contexts, p.secret]);
const samples = [
  ...planted,
  ...planted.map((t) => t.toUpperCase()),
  ...planted.map((t) => t.toLowerCase()),
  ...sourceLines(),
  ...randomTexts(3000, 1),
];

describe('redaction scans: the trigger words', () => {
  it('TRIGGERS, a trie, matches exactly what the plain alternation of TRIGGER_WORDS matches', () => {
    const plain = new RegExp(TRIGGER_WORDS.map(escapeRegex).join('|'), 'i');
    for (const w of TRIGGER_WORDS) {
      for (const t of [w, w.toUpperCase(), `x${w}y`, w.slice(0, -1)])
        assert.equal(TRIGGERS.test(t), plain.test(t), JSON.stringify(t));
    }
    for (const t of samples) assert.equal(TRIGGERS.test(t), plain.test(t), JSON.stringify(t.slice(0, 200)));
  });

  it('no trigger word starts another, so the word matched at a position is the only one there', () => {
    for (const a of TRIGGER_WORDS)
      for (const b of TRIGGER_WORDS) if (a !== b) assert.ok(!b.startsWith(a), `${a} starts ${b}`);
  });

  it('triggerWordsIn names every trigger word a text holds, overlapping ones too, and nothing else', () => {
    assert.equal(triggerWordsIn('an ordinary sentence about the weather'), undefined);
    assert.deepEqual(triggerWordsIn('MonKeyJunk'), new Set(['key', 'eyj']));
    assert.deepEqual(triggerWordsIn('xoxox'), new Set(['xox']));
    assert.deepEqual(triggerWordsIn('PASSECRET'), new Set(['pass', 'secret']));
    // Case folds as the regex does: ASCII only (the Kelvin sign is not a K here).
    assert.equal(triggerWordsIn('\u212Aey=abcdef'), undefined);
    for (const t of samples) {
      const expected = TRIGGER_WORDS.filter((w) => asciiLower(t).includes(w));
      assert.deepEqual([...(triggerWordsIn(t) ?? [])].sort(), expected.sort(), JSON.stringify(t.slice(0, 200)));
    }
  });

  it('gates every rule on trigger words that a text holds whenever the rule finds something in it', () => {
    const rules: Rule[] = [...SPECIFIC, ...GENERIC];
    const gated = rules.filter((r) => r.triggers !== undefined);
    assert.ok(gated.length >= 30, `${gated.length} rules gated`);
    const exercised = new Set<Rule>();
    for (const rule of gated) {
      for (const w of rule.triggers ?? []) assert.ok(TRIGGER_WORDS.includes(w), `${rule.kind}: ${w}`);
      for (const t of samples) {
        if (!rule.when(t, t.toLowerCase()) || rule.find(t).length === 0) continue;
        exercised.add(rule);
        const words = triggerWordsIn(t);
        assert.ok(
          rule.triggers?.some((w) => words?.has(w)),
          `${rule.kind} finds something in ${JSON.stringify(t.slice(0, 200))} without ${rule.triggers?.join(', ')}`,
        );
      }
    }
    // Every gated rule found something in some sample, so the check above said something about each.
    assert.deepEqual(
      gated.filter((r) => !exercised.has(r)).map((r) => r.kind),
      [],
    );
  });

  it('asks a rule gated on no word of any text holding a trigger word, and a gated rule of one holding its word', () => {
    const sid = `SK${'0123456789abcdef'.repeat(2)}`;
    // `echo` is a trigger word of no rule of its own: the twilio rule is asked all the same.
    assert.equal(createRedactor().redact(`echo ${sid}`), 'echo [REDACTED:twilio-key]');
    // A gated rule is asked when its own word is there, whatever else the text holds.
    assert.equal(
      createRedactor().redact('curl -H "X-Id: AKIAABCDEFGHIJKLMNOP" https://example.com'),
      'curl -H "X-Id: [REDACTED:aws-access-key]" https://example.com',
    );
  });
});

describe('redaction scans: runs walked by hand', () => {
  const texts = [
    ...samples,
    'a'.repeat(600),
    `${'aB3x'.repeat(5)}==x`,
    `${'aB3x'.repeat(5)}=`,
    `${'aB3x'.repeat(5)}===`,
    `k ${'Ab1'.repeat(200)}`,
  ];

  it('entropyCandidates finds what its regex finds, less the runs followed by more token characters', () => {
    const re = /(?<![A-Za-z0-9+/_.~-])[A-Za-z0-9+/_.~-]{20,512}={0,2}/g;
    for (const t of texts) {
      const expected: [number, number][] = [];
      for (const m of t.matchAll(re)) {
        const end = m.index + m[0].length;
        if (!/[A-Za-z0-9+/_.~=-]/.test(t[end] ?? '')) expected.push([m.index, end]);
      }
      assert.deepEqual(entropyCandidates(t), expected, JSON.stringify(t.slice(0, 200)));
    }
  });

  it('longRuns finds the runs of 16 or more base64 characters that the regex of all runs finds', () => {
    for (const t of texts) {
      const expected = [...t.matchAll(/[A-Za-z0-9+/_-]+/g)]
        .filter((m) => m[0].length >= 16)
        .map((m): [number, number] => [m.index, m.index + m[0].length]);
      assert.deepEqual(longRuns(t), expected, JSON.stringify(t.slice(0, 200)));
    }
  });
});

describe('redactDeep: keys redacted among keys left alone', () => {
  const ghp = `ghp_${'k3Y'.repeat(12)}`;

  it('numbers a redacted key that meets a marker-like key written before it, and one written after it', () => {
    const before = redactDeep({ '[REDACTED:github-token]': 1, plain: 2, [ghp]: 3 }, createRedactor());
    assert.deepEqual(Object.entries(before), [
      ['[REDACTED:github-token]', 1],
      ['plain', 2],
      ['[REDACTED:github-token]#2', 3],
    ]);
    const after = redactDeep({ plain: 1, [ghp]: 2, '[REDACTED:github-token]': 3 }, createRedactor());
    assert.deepEqual(Object.entries(after), [
      ['plain', 1],
      ['[REDACTED:github-token]', 2],
      ['[REDACTED:github-token]#2', 3],
    ]);
  });

  it('keeps a __proto__ key a plain key when no key is redacted', () => {
    const out = redactDeep(JSON.parse('{"a": 1, "__proto__": {"x": 1}}') as unknown, createRedactor()) as object;
    assert.deepEqual(Object.keys(out), ['a', '__proto__']);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });
});
