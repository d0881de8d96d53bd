import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { cleanup, CLI, gitRepo, listFiles, ROOT, runProcess, tempDir } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * A newcomer's first `shiplog process` is often on the wrong file. Anything that is not a session
 * Code transcript or a Codex rollout is refused with that sentence and exit 1, before anything is
 * written: no outputs, no session row in the state database.
 */
describe('shiplog process on files that are not sessions', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const repo = gitRepo(join(root, 'repo'));
  const state = join(root, 'state');
  const env = { ...process.env, SHIPLOG_HOME: state };
  const claude = writeClaudeTranscript(join(root, 'claude.jsonl'), 'real-1', repo, [simpleTurn(0)]);
  const cases: { name: string; file: string; args?: string[] }[] = [
    { name: 'package.json', file: join(ROOT, 'package.json') },
    { name: 'plain text', file: join(root, 'notes.txt') },
    { name: '{}', file: join(root, 'empty-object.jsonl') },
    { name: 'an empty file', file: join(root, 'empty.jsonl') },
    { name: 'JSON lines of something else', file: join(root, 'other.jsonl') },
    { name: 'a Claude transcript forced with --agent codex', file: claude, args: ['--agent', 'codex'] },
  ];
  writeFileSync(join(root, 'notes.txt'), 'Remember to buy milk.\nAnd eggs.\n');
  writeFileSync(join(root, 'empty-object.jsonl'), '{}\n');
  writeFileSync(join(root, 'empty.jsonl'), '');
  writeFileSync(join(root, 'other.jsonl'), '{"level":30,"msg":"server started"}\n{"level":40,"msg":"slow"}\n');

  for (const c of cases) {
    it(`${c.name}: exit 1, says so, writes nothing`, async () => {
      const r = await runProcess(
        process.execPath,
        [CLI, 'process', c.file, '--repo', repo, '--session', 'x-1', ...(c.args ?? [])],
        { env },
      );
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /is not a session transcript shiplog can read/);
      assert.deepEqual(
        listFiles(repo).filter((f) => !f.startsWith('.git/')),
        [],
        'nothing written into the repository',
      );
      if (existsSync(join(state, 'state.db'))) {
        const db = new Database(join(state, 'state.db'), { readonly: true });
        try {
          const tables = db.prepare("SELECT name FROM sqlite_master WHERE name = 'sessions'").get();
          if (tables) assert.equal(db.prepare('SELECT COUNT(*) FROM sessions').pluck().get(), 0, 'no session row left');
        } finally {
          db.close();
        }
      }
    });
  }
});

describe('shiplog process when the output folder is missing', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const env = { ...process.env, SHIPLOG_HOME: join(root, 'state') };

  it('a transcript whose working folder is gone: says so and suggests --repo', async () => {
    const gone = join(root, 'deleted-project');
    const t = writeClaudeTranscript(join(root, 'gone.jsonl'), 'gone-1', gone, [simpleTurn(0)]);
    const r = await runProcess(process.execPath, [CLI, 'process', t], { env });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(`working folder ${gone} no longer exists`), r.stderr);
    assert.match(r.stderr, /--repo DIR/);
  });

  it('--repo naming a missing folder, or a file: says exactly that', async () => {
    const t = writeClaudeTranscript(join(root, 'ok.jsonl'), 'ok-1', root, [simpleTurn(0)]);
    const missing = join(root, 'nope');
    const r1 = await runProcess(process.execPath, [CLI, 'process', t, '--repo', missing], { env });
    assert.equal(r1.code, 2, 'a bad --repo is a usage error');
    assert.ok(r1.stderr.includes(`--repo ${missing} does not exist`), r1.stderr);
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const r2 = await runProcess(process.execPath, [CLI, 'process', t, '--repo', file], { env });
    assert.equal(r2.code, 2);
    assert.ok(r2.stderr.includes(`--repo ${file} is a file, not a folder`), r2.stderr);
    mkdirSync(join(root, 'fine'));
  });
});
