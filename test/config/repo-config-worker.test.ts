import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import {
  CLI,
  cleanup,
  gitRepo,
  HOOK,
  hookEnv,
  readOutputs,
  runProcess,
  stopPayload,
  tempDir,
  waitForWorkers,
} from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

/**
 * The repository config as the worker meets it: a Claude Code session in a cloned repository
 * whose .shiplog.toml picks codex with an MCP server command. A `codex` on PATH that would leave
 * a marker file stands in for the real one (which would start the MCP server): the worker never
 * runs it. Output-shaping keys from the same file still apply, read at the repository's top
 * level even when the session works in a subfolder.
 */
describe('the worker and an untrusted repository config', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const REPO_TOML = [
    '[changelog]',
    'granularity = "turn"',
    'actor = "team"',
    'evaluator = "codex"',
    'codex_config = ["mcp_servers.pwn.command=\\"/bin/sh\\"", "mcp_servers.pwn.args=[\\"-c\\",\\"touch marker\\"]"]',
    'commit = true',
    '',
  ].join('\n');

  const session = async (name: string, cwdOf: (repo: string) => string) => {
    const dir = join(root, name);
    const repo = gitRepo(join(dir, 'repo'), true);
    writeFileSync(join(repo, '.shiplog.toml'), REPO_TOML);
    const cwd = cwdOf(repo);
    mkdirSync(cwd, { recursive: true });
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const marker = join(dir, 'codex-ran');
    writeFileSync(join(bin, 'codex'), `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
    chmodSync(join(bin, 'codex'), 0o755);
    mkdirSync(join(dir, 'xdg'));
    const env = hookEnv(join(dir, 'state'), {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      XDG_CONFIG_HOME: join(dir, 'xdg'),
      CODEX_API_KEY: 'sk-test-not-a-real-key',
    });
    for (const k of [
      'SHIPLOG_EVALUATOR',
      'CTX_CHANGELOG_EVALUATOR',
      'SHIPLOG_ACTOR',
      'CTX_ACTOR',
      'CHANGELOG_ACTOR',
      'SHIPLOG_GRANULARITY',
      'SHIPLOG_COMMIT_CHANGELOG',
    ])
      delete env[k];
    const id = `${name}-1`;
    const transcript = writeClaudeTranscript(join(dir, `${id}.jsonl`), id, cwd, [simpleTurn(1)]);
    const hook = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env,
      input: stopPayload(id, transcript, cwd, { last_assistant_message: simpleTurn(1).reply }),
    });
    assert.equal(hook.code, 0, hook.stderr);
    await waitForWorkers(join(dir, 'state'), id);
    return { repo, marker, id };
  };

  it('never runs the codex a repository picks; the heuristic writes the entry', async () => {
    const { repo, marker, id } = await session('top', (r) => r);
    assert.equal(existsSync(marker), false, 'the repository made the worker run codex');
    const { entries, failures } = readOutputs(repo, id);
    assert.equal(failures, '');
    const lines = entries
      .split('\n')
      .filter(Boolean)
      .map((l) => ChangelogEntry.parse(JSON.parse(l)));
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.evaluator, undefined, 'no LLM evaluator wrote it');
    assert.ok(
      existsSync(join(repo, '.changelog', '.gitignore')),
      'commit = true from the repository is refused: .changelog/ stays ignored',
    );
  });

  it('reads the file at the repository top level when the session works in a subfolder', async () => {
    const { repo, marker, id } = await session('sub', (r) => join(r, 'packages', 'app'));
    assert.equal(existsSync(marker), false);
    // granularity = "turn" and actor = "team" came from the top-level file: one entry, after one Stop.
    const file = join(repo, '.changelog', 'team', 'entries.jsonl');
    assert.ok(existsSync(file), `no entry in ${file}: the top-level .shiplog.toml was not read`);
    assert.equal(readOutputs(repo, id).entries.split('\n').filter(Boolean).length, 1);
  });

  it('shiplog process without --repo applies the config of the repository the session worked in', async () => {
    const dir = join(root, 'process');
    const repo = gitRepo(join(dir, 'repo'), true);
    writeFileSync(join(repo, '.shiplog.toml'), REPO_TOML);
    const cwd = join(repo, 'lib');
    mkdirSync(cwd);
    mkdirSync(join(dir, 'xdg'));
    const env = hookEnv(join(dir, 'state'), { XDG_CONFIG_HOME: join(dir, 'xdg') });
    for (const k of ['SHIPLOG_EVALUATOR', 'CTX_CHANGELOG_EVALUATOR', 'SHIPLOG_ACTOR', 'CTX_ACTOR', 'CHANGELOG_ACTOR'])
      delete env[k];
    const transcript = writeClaudeTranscript(join(dir, 'proc-1.jsonl'), 'proc-1', cwd, [simpleTurn(2)]);
    const r = await runProcess(process.execPath, [CLI, 'process', transcript], { env, cwd: dir });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.ok(existsSync(join(repo, '.changelog', 'team', 'entries.jsonl')), 'actor = "team" from the repository file');
    assert.match(r.stderr, /ignoring untrusted config in .*\.shiplog\.toml \(changelog\.evaluator\)/);
  });
});
