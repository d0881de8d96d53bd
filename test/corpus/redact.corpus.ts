import assert from 'node:assert/strict';
import { it } from 'node:test';
import { falsePositives, filesUnder, transcriptTexts } from '../redact/false-positives.js';
import { CORPUS } from './paths.js';

it("leaves at least 99.9% of the corpus transcripts' text tokens unchanged", () => {
  const texts = transcriptTexts(filesUnder(CORPUS, '.jsonl'));
  assert.ok(texts.length > 10_000);
  const rate = falsePositives('corpus transcripts', texts);
  assert.ok(rate < 0.001, `false-positive rate ${rate}`);
});
