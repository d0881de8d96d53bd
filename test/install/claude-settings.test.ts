import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, cleanup, HOOK, runProcess, tempDir } from '../helpers.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'claude');

describe('shiplog install --claude (settings.json, compared with expected files)', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const command = `/bin/sh ${HOOK} ${process.execPath}`;
  const expected = (name: string, which: 'install' | 'uninstall') =>
    readFileSync(join(FIXTURES, name, `expected-${which}.json`), 'utf8').replaceAll('@COMMAND@', command);
  const run = (configDir: string, ...args: string[]) =>
    runProcess(process.execPath, [CLI, ...args, '--claude'], {
      env: { ...process.env, CLAUDE_CONFIG_DIR: configDir, HOME: root, CODEX_HOME: join(root, 'no-codex') },
    });

  for (const name of ['missing', 'empty', 'existing', 'foreign-hooks']) {
    it(`${name}: install, install again (no change), uninstall`, async () => {
      const dir = join(root, name);
      mkdirSync(dir);
      const file = join(dir, 'settings.json');
      const before = join(FIXTURES, name, 'before.json');
      if (existsSync(before)) copyFileSync(before, file);

      const first = await run(dir, 'install');
      assert.equal(first.code, 0, first.stderr);
      assert.equal(readFileSync(file, 'utf8'), expected(name, 'install'));
      if (existsSync(before))
        assert.equal(
          readFileSync(`${file}.shiplog.bak`, 'utf8'),
          readFileSync(before, 'utf8'),
          'the old file is kept as the backup',
        );

      const mtime = statSync(file).mtimeMs;
      const second = await run(dir, 'install');
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /already up to date/);
      assert.equal(readFileSync(file, 'utf8'), expected(name, 'install'));
      assert.equal(statSync(file).mtimeMs, mtime, 'a second install does not touch the file');

      const removed = await run(dir, 'uninstall');
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal(readFileSync(file, 'utf8'), expected(name, 'uninstall'));
    });
  }

  it('a hand-formatted file (tabs, one-line objects, comments, a trailing comma) is the same byte for byte after install and uninstall, but for the hooks', async () => {
    const dir = join(root, 'formatted');
    mkdirSync(dir);
    const file = join(dir, 'settings.json');
    const before = readFileSync(join(FIXTURES, 'formatted', 'before.json'), 'utf8');
    writeFileSync(file, before);
    const first = await run(dir, 'install');
    assert.equal(first.code, 0, first.stderr);
    const installed = readFileSync(file, 'utf8');
    for (const line of before.split('\n').filter((l) => !l.includes('"Stop"') && !l.startsWith('\t}') && l !== ''))
      assert.ok(installed.includes(line), `kept: ${JSON.stringify(line)}`);
    assert.equal(installed, expected('formatted', 'install'));
    const removed = await run(dir, 'uninstall');
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(readFileSync(file, 'utf8'), before, 'uninstall gives back the very bytes');
    assert.doesNotMatch(
      readFileSync(`${file}.shiplog.bak`, 'utf8'),
      /claude-code\.(?:cjs|sh)/,
      'no backup left holding shiplog hooks',
    );
  });

  it('broken: refuses with a clear message on stderr and changes nothing', async () => {
    const dir = join(root, 'broken');
    mkdirSync(dir);
    const file = join(dir, 'settings.json');
    copyFileSync(join(FIXTURES, 'broken', 'before.json'), file);
    for (const verb of ['install', 'uninstall']) {
      const r = await run(dir, verb);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /settings\.json is not valid JSON/);
      assert.match(r.stderr, /line \d+, column \d+/);
      assert.match(r.stderr, /Nothing was changed/);
      assert.equal(readFileSync(file, 'utf8'), expected('broken', verb === 'install' ? 'install' : 'uninstall'));
      assert.equal(existsSync(`${file}.shiplog.bak`), false);
    }
  });

  it('--scope project writes ./.claude/settings.json of the current folder', async () => {
    const project = join(root, 'project');
    mkdirSync(project);
    const r = await runProcess(process.execPath, [CLI, 'install', '--claude', '--scope', 'project'], {
      cwd: project,
      env: { ...process.env, CLAUDE_CONFIG_DIR: join(root, 'untouched'), HOME: root },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'), expected('missing', 'install'));
    assert.equal(existsSync(join(root, 'untouched')), false);
  });
});
