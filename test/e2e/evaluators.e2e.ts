import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { LLM_FIELDS_JSON_SCHEMA } from '../../src/evaluator/fields.js';
import { EVALUATOR_SYSTEM_PROMPT } from '../../src/evaluator/prompt.js';
import { ensureClient } from './clients.js';
import { startMockMessages, toolUse } from './mock-messages.js';
import { message, startMockResponses } from './mock-responses.js';
import { createSandbox, ROOT, shiplog, type Sandbox } from './sandbox.js';

/**
 * The real `claude` and `codex` CLIs as shiplog's changelog evaluators, each against a loopback
 * mock of its model API: `shiplog process` on a real transcript writes an entry whose summary,
 * bullets, tags and notes came back through the CLI's structured output, and the CLI left
 * nothing behind in the user's own folders.
 */
const TRANSCRIPT = join(ROOT, 'test', 'fixtures', 'codex', 'paginated-classic.jsonl');
const FIELDS = {
  summary: 'Created hello.txt and a passing test, then committed the work.',
  bullets: [
    'Created `hello.txt` and `notes.txt` with a test script.',
    'Ran `sh test.sh`, which failed once and then passed.',
    'Committed the result.',
  ],
  tags: ['e2e', 'shell'],
  notes: null,
};

function entriesOf(sb: Sandbox): ChangelogEntry[] {
  const file = join(sb.workspace, '.changelog', 'e2e', 'entries.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => ChangelogEntry.parse(JSON.parse(l)));
}

describe('real CLIs as changelog evaluators', () => {
  const boxes: Sandbox[] = [];
  after(() => {
    if (!process.env.KEEP) for (const b of boxes) b.remove();
  });

  it('claude --print: structured output through the StructuredOutput tool becomes the entry', async () => {
    const { bin } = await ensureClient('claude', (l) => process.stderr.write(`${l}\n`));
    const mock = await startMockMessages({ '<task>': [[toolUse('StructuredOutput', FIELDS)]] }, { keepBodies: true });
    try {
      const sb = createSandbox('eval-claude', [bin]);
      boxes.push(sb);
      Object.assign(sb.env, {
        CTX_CHANGELOG_EVALUATOR: 'claude',
        CTX_CHANGELOG_MODEL: 'claude-sonnet-4-5',
        CTX_CHANGELOG_CLAUDE_THINKING_TOKENS: '1024',
        ANTHROPIC_BASE_URL: mock.url,
        ANTHROPIC_API_KEY: 'sk-ant-e2e-dummy-key-0123456789',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
      });
      const r = await shiplog(sb, ['process', TRANSCRIPT, '--repo', sb.workspace]);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const [entry] = entriesOf(sb);
      assert.ok(entry);
      assert.equal(entry.evaluator, 'claude');
      assert.equal(entry.summary, FIELDS.summary);
      assert.deepEqual(entry.bullets, FIELDS.bullets);
      assert.ok(entry.touched_files.created.includes('test.sh'), 'files still come from the transcript');
      assert.equal(mock.requests.length, 1, 'one model request');
      const body = mock.requests[0]?.raw as {
        tools?: { name: string; input_schema: unknown }[];
        system?: { text: string }[];
        thinking?: { budget_tokens?: number };
        model?: string;
      };
      assert.deepEqual(
        body.tools?.map((t) => t.name),
        ['StructuredOutput'],
        'no tool but the structured output one',
      );
      assert.deepEqual(body.tools?.[0]?.input_schema, LLM_FIELDS_JSON_SCHEMA);
      assert.ok(body.system?.some((b) => b.text.includes(EVALUATOR_SYSTEM_PROMPT)));
      assert.equal(body.thinking?.budget_tokens, 1024);
      assert.equal(body.model, 'claude-sonnet-4-5');
      const projects = join(sb.claudeDir, 'projects');
      assert.deepEqual(
        existsSync(projects)
          ? readdirSync(projects, { recursive: true }).filter((f) => String(f).endsWith('.jsonl'))
          : [],
        [],
        'no session saved',
      );
    } finally {
      await mock.close();
    }
  });

  it('codex exec: --output-schema answer becomes the entry; the user CODEX_HOME is untouched', async () => {
    const { bin } = await ensureClient('codex', (l) => process.stderr.write(`${l}\n`));
    const mock = await startMockResponses([[[message(JSON.stringify(FIELDS))]]]);
    try {
      const sb = createSandbox('eval-codex', [bin]);
      boxes.push(sb);
      writeFileSync(join(sb.codexHome, 'auth.json'), '{"OPENAI_API_KEY":"sk-e2e-dummy"}\n', { mode: 0o600 });
      const before = readdirSync(sb.codexHome).sort();
      mkdirSync(join(sb.home, '.config', 'shiplog'), { recursive: true });
      const provider = `model_providers.mock={ name = "Mock", base_url = "${mock.url}/v1", wire_api = "responses", env_key = "MOCK_API_KEY", request_max_retries = 0, stream_max_retries = 0 }`;
      writeFileSync(
        join(sb.home, '.config', 'shiplog', 'config.toml'),
        `[changelog]\nevaluator = "codex"\nmodel = "gpt-5.5"\ncodex_config = [${JSON.stringify('model_provider="mock"')}, ${JSON.stringify(provider)}]\n`,
      );
      Object.assign(sb.env, { MOCK_API_KEY: 'dummy' });
      const r = await shiplog(sb, ['process', TRANSCRIPT, '--repo', sb.workspace]);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const [entry] = entriesOf(sb);
      assert.ok(entry);
      assert.equal(entry.evaluator, 'codex');
      assert.equal(entry.summary, FIELDS.summary);
      assert.deepEqual(entry.tags, FIELDS.tags);
      const req = mock.requests.find((q) => q.path.endsWith('/responses'));
      const body = req?.body as {
        text?: { format?: { type?: string; schema?: unknown } };
        model?: string;
        input?: unknown;
      };
      assert.equal(body.text?.format?.type, 'json_schema');
      assert.deepEqual(body.text?.format?.schema, LLM_FIELDS_JSON_SCHEMA);
      assert.equal(body.model, 'gpt-5.5');
      assert.ok(JSON.stringify(body.input).includes('<digest>'), 'the digest went in as the prompt');
      assert.equal(req?.headers['originator'], 'codex_exec');
      assert.deepEqual(readdirSync(sb.codexHome).sort(), before, 'nothing written into the user CODEX_HOME');
    } finally {
      await mock.close();
    }
  });
});
