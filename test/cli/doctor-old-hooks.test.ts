import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, it } from 'node:test';
import { CLI, cleanup, ROOT, runProcess, tempDir } from '../helpers.js';

const root = tempDir();
after(() => cleanup(root));

/**
 * Issue 16: an install made before the sh hooks runs `node hooks/claude-code.cjs` on every turn
 * (a node start each time). It still works (the .cjs forwards to the sh hook), doctor names it
 * with the fix, and install replaces it with the sh command instead of adding a second set.
 */
it('doctor names hooks of an install made before the sh hooks, and install replaces them', async () => {
  const home = join(root, 'home');
  const claudeDir = join(home, '.claude');
  mkdirSync(claudeDir, { recursive: true });
  const old = `${process.execPath} ${join(ROOT, 'hooks', 'claude-code.cjs')}`;
  const group = [{ hooks: [{ type: 'command', command: old }] }];
  writeFileSync(
    join(claudeDir, 'settings.json'),
    JSON.stringify({ hooks: { Stop: group, SubagentStop: group, SessionEnd: group } }, null, 2),
  );
  const env = {
    PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: home,
    CLAUDE_CONFIG_DIR: claudeDir,
    CODEX_HOME: join(root, 'no-codex'),
    SHIPLOG_HOME: join(root, 'state'),
    XDG_CONFIG_HOME: join(root, 'xdg'),
  };
  const doctor = async () =>
    (
      JSON.parse((await runProcess(process.execPath, [CLI, 'doctor', '--json'], { env })).stdout) as {
        key: string;
        status: string;
        message: string;
        fix?: string;
      }[]
    ).find((c) => c.key === 'claude.settings');

  const before = await doctor();
  assert.equal(before?.status, 'problem');
  assert.match(before?.message ?? '', /not this shiplog's current hook \(.*claude-code\.cjs\)/);
  assert.match(before?.fix ?? '', /install/);

  const install = await runProcess(process.execPath, [CLI, 'install', '--claude'], { env });
  assert.equal(install.code, 0, install.stderr);
  const commands = JSON.stringify(JSON.parse(readFileSync(join(claudeDir, 'settings.json'), 'utf8')));
  assert.doesNotMatch(commands, /claude-code\.cjs/);
  assert.equal(commands.match(/claude-code\.sh/g)?.length, 3, 'one sh hook per event, the old ones replaced');
  assert.equal((await doctor())?.status, 'ok');
});
