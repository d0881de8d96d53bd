import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, cleanup, ROOT, runProcess, tempDir } from '../helpers.js';

const GEMINI_HOOK = join(ROOT, 'hooks', 'gemini.sh');

/** `shiplog install --gemini`: AfterAgent and SessionEnd hooks in Gemini CLI's settings.json. */
describe('shiplog install --gemini (settings.json)', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const command = `/bin/sh ${GEMINI_HOOK} ${process.execPath}`;
  const env = (home: string) => ({
    ...process.env,
    HOME: home,
    GEMINI_CLI_HOME: home,
    CLAUDE_CONFIG_DIR: join(home, 'no-claude'),
    CODEX_HOME: join(home, 'no-codex'),
    SHIPLOG_HOME: join(home, 'state'),
    PATH: '/usr/bin:/bin',
  });
  const run = (home: string, ...args: string[]) =>
    runProcess(process.execPath, [CLI, ...args], { env: env(home), cwd: home });

  it('keeps every other setting and hook, is idempotent, and uninstall gives the file back', async () => {
    const home = join(root, 'keeps');
    mkdirSync(join(home, '.gemini'), { recursive: true });
    const file = join(home, '.gemini', 'settings.json');
    const before = `${JSON.stringify(
      {
        security: { auth: { selectedType: 'gemini-api-key' } },
        hooks: {
          AfterAgent: [{ hooks: [{ type: 'command', command: 'other-tool after', timeout: 5000 }] }],
          BeforeTool: [{ matcher: 'run_shell_command', hooks: [{ type: 'command', command: 'guard' }] }],
        },
      },
      null,
      2,
    )}\n`;
    writeFileSync(file, before);

    const first = await run(home, 'install', '--gemini');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `gemini: hooks registered in ${file}\n`);
    const installed = JSON.parse(readFileSync(file, 'utf8')) as {
      security: unknown;
      hooks: Record<string, { matcher?: string; hooks: { command: string; timeout?: number }[] }[]>;
    };
    assert.deepEqual(installed.security, { auth: { selectedType: 'gemini-api-key' } });
    assert.deepEqual(
      installed.hooks.AfterAgent?.map((g) => g.hooks.map((h) => h.command)),
      [['other-tool after'], [command]],
    );
    assert.deepEqual(
      installed.hooks.SessionEnd?.map((g) => g.hooks.map((h) => [h.command, h.timeout])),
      [[[command, 10_000]]],
      'Gemini reads timeouts in milliseconds',
    );
    assert.deepEqual(
      installed.hooks.BeforeTool?.map((g) => g.hooks.map((h) => h.command)),
      [['guard']],
    );
    assert.equal(readFileSync(`${file}.shiplog.bak`, 'utf8'), before);

    const mtime = statSync(file).mtimeMs;
    const second = await run(home, 'install', '--gemini');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already up to date/);
    assert.equal(statSync(file).mtimeMs, mtime, 'a second install does not touch the file');

    const doctor = await run(home, 'doctor', '--json');
    const checks = JSON.parse(doctor.stdout) as { key: string; status: string; message: string }[];
    const mine = checks.find((c) => c.key === 'gemini.settings');
    assert.deepEqual([mine?.status, mine?.message], ['ok', `AfterAgent and SessionEnd hooks in ${file}`]);

    const removed = await run(home, 'uninstall', '--gemini');
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('install with no flag registers Gemini CLI when its folder is there; doctor names a missing hook', async () => {
    const home = join(root, 'found');
    mkdirSync(join(home, '.gemini'), { recursive: true });
    const r = await run(home, 'install');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^gemini: hooks registered in /m);
    assert.doesNotMatch(r.stdout, /claude-code|codex/, 'agents not on this machine are left alone');
    const file = join(home, '.gemini', 'settings.json');
    const settings = JSON.parse(readFileSync(file, 'utf8')) as { hooks: Record<string, unknown> };
    delete settings.hooks.SessionEnd;
    writeFileSync(file, JSON.stringify(settings));
    const doctor = await run(home, 'doctor', '--json');
    const check = (JSON.parse(doctor.stdout) as { key: string; status: string; message: string; fix?: string }[]).find(
      (c) => c.key === 'gemini.settings',
    );
    assert.equal(check?.status, 'problem');
    assert.match(check?.message ?? '', /lacks shiplog's SessionEnd hook/);
    assert.equal(check?.fix, 'run: shiplog install --gemini');
  });

  it('a settings.json that is not JSON: refused with the reason, nothing changed', async () => {
    const home = join(root, 'broken');
    mkdirSync(join(home, '.gemini'), { recursive: true });
    const file = join(home, '.gemini', 'settings.json');
    writeFileSync(file, '{ "hooks": ');
    const r = await run(home, 'install', '--gemini');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /settings\.json is not valid JSON/);
    assert.match(r.stderr, /Nothing was changed/);
    assert.equal(readFileSync(file, 'utf8'), '{ "hooks": ');
    assert.equal(existsSync(`${file}.shiplog.bak`), false);
  });
});
