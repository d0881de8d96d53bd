import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyText } from '../../src/evaluator/classify.js';
import { LlmFields } from '../../src/evaluator/fields.js';

const good = {
  summary: 'Added retry handling to the uploader.',
  bullets: ['Added a retry loop to `upload.ts`.', 'Ran `npm test`: 12 tests passed!'],
  tags: ['Uploader', 'Error Handling'],
  notes: '',
};

describe('evaluator output validation', () => {
  it('accepts complete sentences, normalises tags and an empty note', () => {
    const f = LlmFields.parse({ ...good, bullets: ['- Added a retry loop to `upload.ts`.', ...good.bullets.slice(1)] });
    assert.deepEqual(f.bullets, ['Added a retry loop to `upload.ts`.', 'Ran `npm test`: 12 tests passed!']);
    assert.deepEqual(f.tags, ['uploader', 'error-handling']);
    assert.equal(f.notes, null);
  });

  for (const [why, bullets] of [
    ['no full stop', ['Added a retry loop to upload.ts']],
    ['lower-case start', ['added a retry loop to upload.ts.']],
    ['a word, not a sentence', ['Retries.']],
    ['too long', [`Added ${'very '.repeat(80)}long text.`]],
    ['none at all', []],
    ['too many', Array.from({ length: 9 }, (_, i) => `Changed file number ${i}.`)],
  ] as const) {
    it(`rejects bullets that are not complete sentences: ${why}`, () => {
      assert.equal(LlmFields.safeParse({ ...good, bullets }).success, false);
    });
  }

  it('rejects a missing field, a long summary and odd tags', () => {
    const { notes: _notes, ...noNotes } = good;
    assert.equal(LlmFields.safeParse(noNotes).success, false);
    assert.equal(LlmFields.safeParse({ ...good, summary: 'x'.repeat(501) }).success, false);
    assert.equal(LlmFields.safeParse({ ...good, tags: ['a/b'] }).success, false);
    assert.equal(LlmFields.safeParse({ ...good, tags: Array.from({ length: 9 }, (_, i) => `t${i}`) }).success, false);
  });

  it("classifies the real clients' own error messages", () => {
    // Verbatim from claude 2.1.330 and codex 0.169.0 against a loopback server answering 429/401/400.
    assert.equal(
      classifyText(
        'API Error: Request rejected (429) · Number of request tokens has exceeded your per-minute rate limit',
      ),
      'rate_limit',
    );
    assert.equal(
      classifyText(
        'You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again later.',
      ),
      'rate_limit',
    );
    assert.equal(classifyText('Invalid API key · Fix external API key'), 'auth');
    assert.equal(
      classifyText(
        'unexpected status 401 Unauthorized: Incorrect API key provided, url: http://127.0.0.1:45839/v1/responses',
      ),
      'auth',
    );
    assert.equal(classifyText('Prompt is too long · the request is ~250000 tokens (limit 200000)'), 'overflow');
    assert.equal(
      classifyText(
        "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
      ),
      'overflow',
    );
    assert.equal(classifyText('stream disconnected before completion'), null);
  });
});
