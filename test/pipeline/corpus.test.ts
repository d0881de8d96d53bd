import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { jsonSchemas } from '../../src/schemas.js';
import { claudeTranscripts, cleanup, gitRepo, readOutputs, ROOT, runInProcess, tempDir } from '../helpers.js';

const GOLDEN = join(ROOT, 'test', 'golden');
/** Transcripts whose devlog is pinned byte for byte (project_dir normalised), checked by hand. */
const GOLDEN_FILES = [
  'claude-reliability/hello-world-script.transcript.jsonl',
  'claude-code-viewer/5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl',
  'spotter/subagent.jsonl',
  'spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl',
];

function loadSchema(name: string): object {
  return JSON.parse(readFileSync(join(ROOT, 'schema', `${name}.schema.json`), 'utf8')) as object;
}

describe('every Claude Code corpus transcript converts', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addFormat('date-time', true);
  const validateDevlog = ajv.compile(loadSchema('devlog'));
  const validateEntry = ajv.compile(loadSchema('changelog-entry'));

  it('ships JSON Schemas generated from the zod schemas', () => {
    for (const [name, schema] of Object.entries(jsonSchemas())) assert.deepEqual(loadSchema(name), JSON.parse(JSON.stringify(schema)), `schema/${name}.schema.json is stale: npm run build`);
  });

  for (const file of claudeTranscripts()) {
    const rel = file.slice(file.indexOf('claude-code/') + 'claude-code/'.length);
    it(rel, async () => {
      const dir = join(root, rel.replace(/[^A-Za-z0-9]+/g, '-'));
      const repo = join(dir, 'repo');
      gitRepo(repo);
      const home = join(dir, 'state');
      const projects = join(dir, 'projects');
      mkdirSync(projects, { recursive: true });
      const transcript = join(projects, basename(file));
      copyFileSync(file, transcript);
      // Subagent transcripts live beside the main file in a folder named after it.
      const companion = join(dirname(file), basename(file, '.jsonl'));
      if (existsSync(companion)) cpSync(companion, join(projects, basename(file, '.jsonl')), { recursive: true });
      const sessionId = basename(file, '.jsonl').replace(/[^A-Za-z0-9._-]/g, '-');
      const outcome = await runInProcess(home, { sessionId, agent: 'claude-code', transcriptPath: transcript, repo, trigger: 'test', close: 'test' });
      assert.equal(outcome.oversized, 0);
      assert.deepEqual(outcome.skipped, {}, 'no corpus line is unknown to the adapter');
      const out = readOutputs(repo, sessionId);
      assert.ok(out.devlog);
      const doc = JSON.parse(out.devlog) as { conversation: { type: string; content?: string; actions?: string[] }[] };
      assert.ok(validateDevlog(doc), JSON.stringify(validateDevlog.errors?.slice(0, 3)));
      // One window, unless the session paused for longer than the idle time in between.
      const entries = out.entries.trim().split('\n').map((l) => JSON.parse(l) as { run_id: string; continuation_of_run_id: string | null });
      assert.ok(entries.length >= 1);
      entries.forEach((entry, i) => {
        assert.ok(validateEntry(entry), JSON.stringify(validateEntry.errors?.slice(0, 3)));
        assert.equal(entry.continuation_of_run_id, i === 0 ? null : entries[i - 1]?.run_id);
      });
      assert.equal(new Set(entries.map((e) => e.run_id)).size, entries.length);
      assert.equal(out.failures, '');
      for (const e of doc.conversation) {
        const text = e.content ?? e.actions?.join('\n') ?? '';
        assert.doesNotMatch(text, /<system-reminder>|"type":"tool_result"|<command-name>|<local-command-stdout>/);
        if (e.type === 'user') assert.doesNotMatch(text, /^Stop hook feedback|^This session is being continued/);
      }

      if (GOLDEN_FILES.includes(rel)) {
        const normalised = out.devlog.replaceAll(JSON.stringify(repo), '"<repo>"');
        const goldenPath = join(GOLDEN, `${sessionId}.devlog.json`);
        if (process.env.SHIPLOG_UPDATE_GOLDEN === '1') writeFileSync(goldenPath, normalised);
        assert.equal(normalised, readFileSync(goldenPath, 'utf8'), `devlog differs from ${goldenPath}`);
      }
    });
  }
});
