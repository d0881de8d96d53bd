import assert from 'node:assert/strict';
import { join, relative, sep } from 'node:path';
import { claudeFixtureDisk } from '../claude-fixtures.js';
import { describe, it } from 'node:test';
import { jsonSchemas } from '../../src/schemas.js';
import { CLAUDE_FIXTURES, claudeTranscripts, ROOT } from '../helpers.js';
import { describeClaudeConversions, loadSchema } from './claude-conversions.js';

describe('JSON Schemas', () => {
  it('ships JSON Schemas generated from the zod schemas', () => {
    for (const [name, schema] of Object.entries(jsonSchemas()))
      assert.deepEqual(
        loadSchema(name),
        JSON.parse(JSON.stringify(schema)),
        `schema/${name}.schema.json is stale: npm run build`,
      );
  });
});

// Every recorded session's devlog is pinned: they are small, and each was read through by hand.
const GOLDEN = join(ROOT, 'test', 'golden', 'claude-code');
describeClaudeConversions(
  'every Claude Code session recorded from the real client converts',
  CLAUDE_FIXTURES,
  claudeTranscripts(),
  (rel) => join(GOLDEN, rel.replace(/\.jsonl$/, '.devlog.json')),
  (file) => claudeFixtureDisk(relative(CLAUDE_FIXTURES, file).split(sep)[0] ?? ''),
);
