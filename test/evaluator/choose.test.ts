import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { chooseEvaluator } from '../../src/evaluator/choose.js';
import { cleanup, tempDir } from '../helpers.js';
import { fakeBin } from './fake-env.js';

describe('evaluator choice', () => {
  const root = tempDir('shiplog-choose-');
  after(() => cleanup(root));
  const bin = fakeBin(root);
  const onlyCodex = join(root, 'only-codex');
  mkdirSync(onlyCodex);
  writeFileSync(join(onlyCodex, 'codex'), '#!/bin/sh\n', { mode: 0o755 });
  const home = (name: string) => {
    const h = join(root, name);
    mkdirSync(join(h, '.claude'), { recursive: true });
    mkdirSync(join(h, '.codex'), { recursive: true });
    return h;
  };

  it('heuristic stays heuristic; a named CLI is used even when missing (so its absence is reported)', () => {
    assert.deepEqual(chooseEvaluator('heuristic', { PATH: bin }), { name: 'heuristic' });
    assert.deepEqual(chooseEvaluator('claude', { PATH: bin }), { name: 'claude', bin: join(bin, 'claude') });
    assert.deepEqual(chooseEvaluator('codex', { PATH: '/nonexistent' }), { name: 'codex', bin: 'codex' });
  });

  it('auto takes a logged-in claude, then a logged-in codex, else the heuristic', () => {
    const h1 = home('h1');
    assert.deepEqual(
      chooseEvaluator('auto', { PATH: bin, HOME: h1 }),
      { name: 'heuristic' },
      'installed but logged in to neither',
    );
    writeFileSync(join(h1, '.codex', 'auth.json'), '{}');
    assert.deepEqual(chooseEvaluator('auto', { PATH: bin, HOME: h1 }), { name: 'codex', bin: join(bin, 'codex') });
    writeFileSync(join(h1, '.claude', '.credentials.json'), '{}');
    assert.deepEqual(chooseEvaluator('auto', { PATH: bin, HOME: h1 }), { name: 'claude', bin: join(bin, 'claude') });
    assert.deepEqual(
      chooseEvaluator('auto', { PATH: onlyCodex, HOME: h1 }),
      { name: 'codex', bin: join(onlyCodex, 'codex') },
      'claude logged in but not installed',
    );
    assert.deepEqual(chooseEvaluator('auto', { PATH: '/nonexistent', HOME: h1 }), { name: 'heuristic' });
    assert.deepEqual(chooseEvaluator('auto', { PATH: bin, HOME: home('h2'), ANTHROPIC_API_KEY: 'sk-ant-x' }), {
      name: 'claude',
      bin: join(bin, 'claude'),
    });
  });
});
