import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, cleanup, runProcess, tempDir } from '../helpers.js';

describe('shiplog install (Claude Code settings.json)', () => {
  const root = tempDir();
  after(() => cleanup(root));

  const run = (configDir: string, ...args: string[]) => runProcess(process.execPath, [CLI, ...args], { env: { ...process.env, CLAUDE_CONFIG_DIR: configDir, HOME: root } });

  it('adds the three hooks to an existing file, keeps foreign hooks and keys, is idempotent, and uninstalls cleanly', async () => {
    const dir = join(root, 'existing');
    mkdirSync(dir);
    const original = {
      model: 'opus',
      hooks: { Stop: [{ hooks: [{ type: 'command', command: 'other-tool stop' }] }], PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'guard' }] }] },
    };
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(original, null, 2));
    const first = await run(dir, 'install');
    assert.equal(first.code, 0, first.stderr);
    const installed = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    assert.equal(installed.model, 'opus');
    assert.deepEqual(installed.hooks.PreToolUse, original.hooks.PreToolUse);
    for (const event of ['Stop', 'SubagentStop', 'SessionEnd']) {
      const ours = installed.hooks[event].flatMap((g: { hooks: { command: string; timeout?: number }[] }) => g.hooks).filter((h: { command: string }) => h.command.includes('/hooks/claude-code.cjs'));
      assert.equal(ours.length, 1, event);
      assert.ok(ours[0].command.startsWith(process.execPath), 'node by absolute path');
      assert.equal(ours[0].timeout, 10);
    }
    assert.equal(installed.hooks.Stop[0].hooks[0].command, 'other-tool stop');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'settings.json.shiplog.bak'), 'utf8')), original);

    const before = readFileSync(join(dir, 'settings.json'), 'utf8');
    const second = await run(dir, 'install');
    assert.match(second.stdout, /already up to date/);
    assert.equal(readFileSync(join(dir, 'settings.json'), 'utf8'), before);

    assert.equal((await run(dir, 'uninstall')).code, 0);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')), original);
  });

  it('creates a missing file', async () => {
    const dir = join(root, 'missing');
    const r = await run(dir, 'install');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).hooks), ['Stop', 'SubagentStop', 'SessionEnd']);
  });

  it('refuses a broken file with a clear message and changes nothing', async () => {
    const dir = join(root, 'broken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'settings.json'), '{ "model": "opus", ');
    const r = await run(dir, 'install');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not valid JSON/);
    assert.match(r.stderr, /Nothing was changed/);
    assert.equal(readFileSync(join(dir, 'settings.json'), 'utf8'), '{ "model": "opus", ');
    assert.equal(existsSync(join(dir, 'settings.json.shiplog.bak')), false);
  });
});
