import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { CLI, cleanup, ROOT, runProcess, tempDir } from '../helpers.js';

/**
 * Dotfiles managers (stow, chezmoi, home-manager) make ~/.claude/settings.json and
 * ~/.codex/config.toml symlinks into a repository of the user's. install edits the file the link
 * points at, in place (atomically there), and leaves the link a link.
 */
it('install and uninstall edit the target of a symlinked settings.json and config.toml, keeping the links', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const dotfiles = join(root, 'dotfiles');
  mkdirSync(dotfiles);
  const claudeDir = join(root, '.claude');
  const codexDir = join(root, '.codex');
  mkdirSync(claudeDir);
  mkdirSync(codexDir);
  writeFileSync(join(dotfiles, 'claude-settings.json'), '{\n  "model": "opus"\n}\n');
  writeFileSync(join(dotfiles, 'codex.toml'), 'model = "gpt-5"\n');
  // Relative links, as stow makes them: resolved from the link's folder, not the current one.
  symlinkSync('../dotfiles/claude-settings.json', join(claudeDir, 'settings.json'));
  symlinkSync(join(dotfiles, 'codex.toml'), join(codexDir, 'config.toml'));
  const env = { ...process.env, HOME: root, CLAUDE_CONFIG_DIR: claudeDir, CODEX_HOME: codexDir };

  const installed = await runProcess(process.execPath, [CLI, 'install', '--claude', '--codex'], { env });
  assert.equal(installed.code, 0, installed.stdout + installed.stderr);
  for (const [link, target] of [
    [join(claudeDir, 'settings.json'), '../dotfiles/claude-settings.json'],
    [join(codexDir, 'config.toml'), join(dotfiles, 'codex.toml')],
  ] as const) {
    assert.ok(lstatSync(link).isSymbolicLink(), `${link} is still a symlink`);
    assert.equal(readlinkSync(link), target, 'pointing where it did');
  }
  const settings = JSON.parse(readFileSync(join(dotfiles, 'claude-settings.json'), 'utf8')) as {
    model: string;
    hooks: Record<string, unknown>;
  };
  assert.equal(settings.model, 'opus');
  assert.ok(settings.hooks.Stop, 'the hooks are in the target file');
  assert.match(readFileSync(join(dotfiles, 'codex.toml'), 'utf8'), /\[\[hooks\.Stop\]\]/);
  assert.equal(
    readFileSync(join(dotfiles, 'claude-settings.json.shiplog.bak'), 'utf8'),
    '{\n  "model": "opus"\n}\n',
    'the backup sits beside the target',
  );

  const removed = await runProcess(process.execPath, [CLI, 'uninstall', '--claude', '--codex'], { env });
  assert.equal(removed.code, 0, removed.stdout + removed.stderr);
  assert.ok(lstatSync(join(claudeDir, 'settings.json')).isSymbolicLink());
  assert.ok(lstatSync(join(codexDir, 'config.toml')).isSymbolicLink());
  assert.deepEqual(JSON.parse(readFileSync(join(dotfiles, 'claude-settings.json'), 'utf8')), { model: 'opus' });
  assert.equal(readFileSync(join(dotfiles, 'codex.toml'), 'utf8'), 'model = "gpt-5"\n');
});

/**
 * Several editors at once (two installs, an install beside `shiplog uninstall`, a dotfiles sync
 * built on the same code): each one's edit lands; none is lost to another's rename.
 */
it('concurrent edits of one config file all land', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const file = join(root, 'settings.json');
  writeFileSync(file, '{}\n');
  const module = join(ROOT, 'dist', 'src', 'install', 'config-file.js');
  const editors = 12;
  const script = `
    const { editConfigFile } = await import(${JSON.stringify(module)});
    const key = process.argv[1];
    for (let i = 0; i < 5; i++) {
      editConfigFile(${JSON.stringify(file)}, (text) => {
        const o = JSON.parse(text ?? '{}');
        o[key + '-' + i] = true;
        return JSON.stringify(o, null, 2) + '\\n';
      });
    }`;
  const results = await Promise.all(
    Array.from(
      { length: editors },
      (_, n) =>
        new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
          const child = spawn(process.execPath, ['--input-type=module', '-e', script, `editor${n}`], {
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let stderr = '';
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('error', reject);
          child.on('close', (code) => resolve({ code, stderr }));
        }),
    ),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const keys = Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object);
  assert.equal(keys.length, editors * 5, `every edit landed (${keys.length} of ${editors * 5})`);
});
