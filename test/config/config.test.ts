import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Config, OPTIONAL_KEYS } from '../../src/config/config.js';
import { configForSession } from '../../src/config/session-config.js';
import { safeFolderName } from '../../src/ids.js';
import { cleanup, tempDir } from '../helpers.js';

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
    const { config, sources, problems } = configForSession(repo, { XDG_CONFIG_HOME: xdg, CTX_ACTOR: 'alice' });
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
    const env = { XDG_CONFIG_HOME: join(root, 'none'), SHIPLOG_IDLE_MINUTES: 'x' };
    const { config, problems } = configForSession(repo, env);
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

describe('the defaults', () => {
  it('are written once: a section left out is the section given empty, so no second copy can drift', () => {
    const empty = Object.fromEntries(Object.keys(Config.shape).map((section) => [section, {}]));
    assert.deepEqual(Config.parse({}), Config.parse(empty));
    assert.equal(Config.parse({}).changelog.idle_minutes, 30);
  });

  it('say which settings have none: config show lists those as unset', () => {
    assert.deepEqual([...OPTIONAL_KEYS], ['changelog.actor', 'changelog.model', 'changelog.claude_thinking_tokens']);
  });
});

describe('configuration files that are not valid TOML', () => {
  const root = tempDir();
  after(() => cleanup(root));
  it('are reported with the file and line, and the defaults stay in force', () => {
    const xdg = join(root, 'xdg');
    mkdirSync(join(xdg, 'shiplog'), { recursive: true });
    const file = join(xdg, 'shiplog', 'config.toml');
    writeFileSync(file, '# mine\n[changelog]\nidle_minutes = \n');
    const { config, problems } = configForSession(null, { XDG_CONFIG_HOME: xdg });
    assert.equal(config.changelog.idle_minutes, 30);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.file, file);
    assert.match(problems[0]?.message ?? '', /^line 3: /);
  });
  it('read the whole of TOML: dotted keys, inline tables and multi-line arrays', () => {
    const xdg = join(root, 'xdg2');
    mkdirSync(join(xdg, 'shiplog'), { recursive: true });
    writeFileSync(
      join(xdg, 'shiplog', 'config.toml'),
      'changelog.idle_minutes = 12\nstop = { wait_ms = 500 }\n[devlog]\ncommit = true # keep it\n',
    );
    const { config, problems } = configForSession(null, { XDG_CONFIG_HOME: xdg });
    assert.deepEqual(problems, []);
    assert.equal(config.changelog.idle_minutes, 12);
    assert.equal(config.stop.wait_ms, 500);
    assert.equal(config.devlog.commit, true);
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
