import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cleanup, defaultConfig, gitRepo, prng, readOutputs, runInProcess, tempDir } from '../helpers.js';
import { writeClaudeTranscript, type SyntheticTurn } from '../synthetic.js';
import { KnownSecrets } from '../../src/redact/known.js';
import { createRedactor } from '../../src/redact/redact.js';

/**
 * A value recognised as a secret in one place of a session is redacted wherever it appears in
 * that session's outputs, earlier or later (issue 13, finding 9), and state.db never holds it.
 */

function awsSecret(seed: number): string {
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const next = prng(seed);
  let s = '';
  while (!/[0-9]/.test(s) || !/[a-z]/.test(s) || !/[A-Z]/.test(s))
    s = Array.from({ length: 40 }, () => B64[Math.floor(next() * 64)]).join('');
  return s;
}

const echo = (v: string, n: number): SyntheticTurn => ({
  prompt: `print it again (${n})`,
  command: `echo '${v}'`,
  output: `${v}\n`,
  reply: `It printed ${v}.`,
});
const exported = (v: string): SyntheticTurn => ({
  prompt: 'set up the aws credentials',
  command: `export AWS_SECRET_ACCESS_KEY=${v} && aws s3 ls`,
  output: 'bucket-a\n',
  reply: 'Exported the key and listed the buckets.',
});

/** Every TEXT value of every table. */
function dbText(home: string): string {
  const db = new Database(join(home, 'state.db'), { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (t) => t.name,
    );
    return tables
      .flatMap((t) =>
        (db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[]).flatMap((r) =>
          Object.values(r).filter((v): v is string => typeof v === 'string'),
        ),
      )
      .join('\n');
  } finally {
    db.close();
  }
}

function stateFiles(home: string): string {
  return readdirSync(home, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('state.db'))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

describe('known secrets: one Redactor', () => {
  it('redacts a value seen without context once it was recognised, and scrubs text redacted before', () => {
    const v = awsSecret(1);
    const r = createRedactor();
    const early = r.redact(`echo '${v}'`);
    assert.ok(early.includes(v), 'nothing says it is a secret yet');
    assert.equal(
      r.redact(`export AWS_SECRET_ACCESS_KEY=${v}`),
      'export AWS_SECRET_ACCESS_KEY=[REDACTED:aws-secret-key]',
    );
    assert.equal(r.redact(`echo '${v}'`), "echo '[REDACTED:aws-secret-key]'");
    assert.equal(
      r.known.scrub(JSON.stringify({ early })),
      JSON.stringify({ early: "echo '[REDACTED:aws-secret-key]'" }),
    );
  });

  it('finds a stored digest again in a later run, without the value being stored', () => {
    const v = awsSecret(2);
    const first = new KnownSecrets();
    createRedactor({ known: first }).redact(`aws_secret_access_key = ${v}`);
    const digests = first.takeFresh();
    assert.equal(digests.length, 1);
    assert.ok(!JSON.stringify(digests).includes(v));
    const later = createRedactor({ known: new KnownSecrets(first.salt, digests) });
    assert.equal(later.redact(`cat out.txt\n${v}\n`), 'cat out.txt\n[REDACTED:aws-secret-key]\n');
  });
});

describe('known secrets through the pipeline', () => {
  const root = tempDir();
  after(() => {
    if (!process.env.KEEP) cleanup(root);
  });

  it('within one run: the echo before and after the export is redacted in the devlog, the entries and state.db', async () => {
    const v = awsSecret(3);
    const dir = join(root, 'one');
    const repo = gitRepo(join(dir, 'repo'));
    const home = join(dir, 'state');
    const transcript = writeClaudeTranscript(join(dir, 's1.jsonl'), 'prop-one', repo, [
      echo(v, 1),
      exported(v),
      echo(v, 2),
    ]);
    await runInProcess(
      home,
      {
        sessionId: 'prop-one',
        agent: 'claude-code',
        transcriptPath: transcript,
        repo,
        trigger: 'test',
        close: 'session-end',
      },
      defaultConfig({ granularity: 'turn' }),
    );
    const out = readOutputs(repo, 'prop-one');
    assert.ok(out.devlog?.includes('[REDACTED:aws-secret-key]'));
    assert.ok(!out.devlog?.includes(v), 'devlog');
    assert.ok(out.entries.length > 0 && !out.entries.includes(v), 'entries');
    assert.ok(!dbText(home).includes(v), 'state.db');
    assert.ok(!stateFiles(home).includes(v), 'state folder');
  });

  it('across runs: learnt later, the earlier devlog text is redacted; seen again later, it is redacted from its digest', async () => {
    const v = awsSecret(4);
    const dir = join(root, 'runs');
    const repo = gitRepo(join(dir, 'repo'));
    const home = join(dir, 'state');
    const path = join(dir, 's2.jsonl');
    const run = (close: string | null) =>
      runInProcess(
        home,
        { sessionId: 'prop-runs', agent: 'claude-code', transcriptPath: path, repo, trigger: 'test', close },
        defaultConfig({ granularity: 'turn' }),
      );
    writeClaudeTranscript(path, 'prop-runs', repo, [echo(v, 1), { prompt: 'next', reply: 'ok' }]);
    await run(null);
    assert.ok(readOutputs(repo, 'prop-runs').devlog?.includes(v), 'not known as a secret yet');
    writeClaudeTranscript(path, 'prop-runs', repo, [exported(v), { prompt: 'next', reply: 'ok' }], {
      append: true,
      firstSeq: 2,
    });
    await run(null);
    assert.ok(!readOutputs(repo, 'prop-runs').devlog?.includes(v), 'the devlog written before is redacted');
    writeClaudeTranscript(path, 'prop-runs', repo, [echo(v, 2)], { append: true, firstSeq: 4 });
    await run('session-end');
    const out = readOutputs(repo, 'prop-runs');
    assert.ok(!out.devlog?.includes(v), 'devlog');
    // The first turn's entry was appended before anything said the value was a secret: entries
    // are append-only. Every entry written after is clean.
    const later = out.entries.trim().split('\n').slice(1).join('\n');
    assert.ok(later.length > 0 && !later.includes(v), 'entries written after it was learnt');
    const text = dbText(home);
    assert.ok(!text.includes(v), 'state.db');
    assert.ok(!stateFiles(home).includes(v), 'state folder');
  });
});
