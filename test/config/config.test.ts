import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { parseToml, TomlError } from '../../src/config/toml.js';
import { safeFolderName } from '../../src/ids.js';
import { cleanup, tempDir } from '../helpers.js';

describe('toml subset', () => {
  it('reads tables, strings, numbers, booleans, arrays and comments', () => {
    const t = parseToml(`# top\nname = "a # not a comment"\n[changelog] # trailing\nidle_minutes = 15\ncommit = true\ntags = ["x", 'y']\n[a.b]\nc = 1.5\n`);
    assert.deepEqual(t, { name: 'a # not a comment', changelog: { idle_minutes: 15, commit: true, tags: ['x', 'y'] }, a: { b: { c: 1.5 } } });
  });
  it('names the line of an error', () => {
    assert.throws(() => parseToml('[ok]\nkey = \n'), (e: unknown) => e instanceof TomlError && e.line === 2);
    assert.throws(() => parseToml('a = "unterminated\n'), TomlError);
  });
});

describe('configuration', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('layers defaults, user file, repo file and environment, and says where each came from', () => {
    const xdg = join(root, 'xdg');
    mkdirSync(join(xdg, 'shiplog'), { recursive: true });
    writeFileSync(join(xdg, 'shiplog', 'config.toml'), '[changelog]\nidle_minutes = 10\ngranularity = "turn"\n');
    const repo = join(root, 'repo');
    mkdirSync(repo);
    writeFileSync(join(repo, '.shiplog.toml'), '[changelog]\nidle_minutes = 20\n');
    const { config, sources, problems } = loadConfig({ repo, env: { XDG_CONFIG_HOME: xdg, CTX_ACTOR: 'alice' } });
    assert.deepEqual(problems, []);
    assert.equal(config.changelog.idle_minutes, 20);
    assert.equal(config.changelog.granularity, 'turn');
    assert.equal(config.changelog.actor, 'alice');
    assert.equal(sources['changelog.idle_minutes'], join(repo, '.shiplog.toml'));
    assert.equal(sources['changelog.actor'], 'env CTX_ACTOR');
    assert.equal(sources['tail.max_line_bytes'], 'default');
  });

  it('an invalid file is reported with its key and ignored, defaults stay in force', () => {
    const repo = join(root, 'bad');
    mkdirSync(repo);
    writeFileSync(join(repo, '.shiplog.toml'), '[changelog]\nidle_minutes = "soon"\n');
    const { config, problems } = loadConfig({ repo, env: { XDG_CONFIG_HOME: join(root, 'none'), SHIPLOG_IDLE_MINUTES: 'x' } });
    assert.equal(config.changelog.idle_minutes, 30);
    assert.deepEqual(
      problems.map((p) => [p.file, p.key]),
      [
        [join(repo, '.shiplog.toml'), 'changelog.idle_minutes'],
        ['env SHIPLOG_IDLE_MINUTES', 'changelog.idle_minutes'],
      ],
    );
  });
});

describe('actor folder names', () => {
  it('are always one safe path component', () => {
    assert.equal(safeFolderName('alice@example.com'), 'alice@example.com');
    assert.equal(safeFolderName('../../etc'), 'etc');
    assert.equal(safeFolderName('..'), 'unknown');
    assert.equal(safeFolderName('a/b\\c d'), 'a-b-c-d');
    assert.equal(safeFolderName(''), 'unknown');
  });
});
