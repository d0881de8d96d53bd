import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChangelogEntry } from '../../src/changelog/schema.js';
import { CLI, cleanup, gitRepo, HOOK, runProcess, stopPayload, tempDir, waitForWorkers } from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

interface Check {
  key: string;
  status: 'ok' | 'problem' | 'info';
  message: string;
  fix?: string;
}

/**
 * The operator commands as a user meets them: a temporary HOME with Claude Code's and Codex's
 * config folders, the real installer, a real hook fire and worker, then doctor, status, flush,
 * log and config show over what that left.
 */
describe('operator commands', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  let repo: string;
  let transcript: string;
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runProcess(process.execPath, [CLI, ...args], { env: { ...env, ...extra }, cwd: repo });
  const doctor = async (extra: NodeJS.ProcessEnv = {}) => {
    const r = await cli(['doctor', '--json'], extra);
    return { code: r.code, checks: JSON.parse(r.stdout) as Check[] };
  };

  before(() => {
    root = tempDir();
    const home = join(root, 'home');
    mkdirSync(join(home, '.claude'), { recursive: true });
    mkdirSync(join(home, '.codex'), { recursive: true });
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const k of [
      'SHIPLOG_INTERNAL',
      'CLAUDE_CONFIG_DIR',
      'CODEX_HOME',
      'XDG_CONFIG_HOME',
      'XDG_STATE_HOME',
      'CTX_ACTOR',
      'CHANGELOG_ACTOR',
    ])
      delete base[k];
    env = {
      ...base,
      HOME: home,
      SHIPLOG_HOME: join(root, 'state'),
      XDG_CONFIG_HOME: join(root, 'xdg'),
      SHIPLOG_WORKER_LINGER_SECONDS: '0',
      // No claude or codex binaries here: the config folders are what makes them "present".
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
    };
    repo = gitRepo(join(root, 'repo'));
    transcript = join(root, 'projects', 'op-1.jsonl');
    mkdirSync(dirname(transcript));
    copyFileSync(claudeFixture('build'), transcript);
  });
  after(() => cleanup(root));

  it('install wires both agents it finds, and doctor then reports no problem', async () => {
    const r = await cli(['install']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /claude-code: hooks registered in .*\.claude\/settings\.json/);
    assert.match(r.stdout, /codex: hooks registered in .*\.codex\/config\.toml/);
    const { code, checks } = await doctor();
    assert.deepEqual(
      checks.filter((c) => c.status === 'problem'),
      [],
    );
    assert.equal(code, 0);
    const byKey = new Map(checks.map((c) => [c.key, c]));
    for (const key of ['node', 'hooks.files', 'config', 'claude.settings', 'codex.hooks', 'state.db', 'failures.24h'])
      assert.equal(byKey.get(key)?.status, 'ok', key);
    for (const key of ['hooks.last_fire.claude-code', 'hooks.last_fire.codex', 'worker.last_run'])
      assert.equal(byKey.get(key)?.status, 'info', key);
    assert.match(byKey.get('hooks.last_fire.claude-code')?.message ?? '', /no hook fire recorded yet/);
  });

  it('the plain doctor prints one line per check and "all ok"', async () => {
    const r = await cli(['doctor']);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^ok\s+node\s+\//m);
    assert.match(r.stdout, /^ok\s+codex\.hooks\s+Stop and SessionEnd hooks in .*, trusted$/m);
    assert.match(r.stdout, /all ok\n$/);
  });

  it('after a hook fires: doctor shows the fire and the run, status the session and its open window', async () => {
    const hook = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env,
      input: stopPayload('op-1', transcript, repo),
    });
    assert.equal(hook.code, 0);
    await waitForWorkers(env.SHIPLOG_HOME as string, 'op-1');
    const { checks } = await doctor();
    const byKey = new Map(checks.map((c) => [c.key, c]));
    assert.match(byKey.get('hooks.last_fire.claude-code')?.message ?? '', /^Stop \d+ s ago \(Stop ×1\)$/);
    assert.match(byKey.get('worker.last_run')?.message ?? '', /session op-1, Stop, ok$/);
    assert.equal(byKey.get(`output.${repo}`)?.status, 'ok');

    const status = await cli(['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const rows = JSON.parse(status.stdout) as {
      session_id: string;
      agent: string;
      repo: string;
      offset: number;
      unread_bytes: number;
      window_prompts: number | null;
      entries: number;
    }[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.session_id, 'op-1');
    assert.equal(rows[0]?.agent, 'claude-code');
    assert.equal(rows[0]?.repo, repo);
    assert.equal(rows[0]?.offset, readFileSync(transcript).length);
    assert.equal(rows[0]?.unread_bytes, 0);
    assert.ok((rows[0]?.window_prompts ?? 0) > 0, 'the window is open');
    assert.equal(rows[0]?.entries, 0);
    const table = await cli(['status']);
    assert.match(table.stdout, /^SESSION\s+AGENT\s+REPO\s+CURSOR\s+WINDOW\s+ENTRIES\s+FAILURES\s+ACTIVE$/m);
    assert.match(table.stdout, /^op-1\s+claude-code\s+.*open, \d+ prompt\(s\)\s+0\s+0\s+/m);
  });

  it('flush closes the open window into an entry; log prints it', async () => {
    const flush = await cli(['flush']);
    assert.equal(flush.code, 0, flush.stderr);
    assert.match(flush.stdout, /^op-1 {2}entry {3}\S+ {2}.+$/m);
    const again = await cli(['flush']);
    assert.equal(again.stdout, 'Nothing to flush: no open windows.\n');
    const rows = JSON.parse((await cli(['status', '--json'])).stdout) as {
      entries: number;
      window_prompts: number | null;
    }[];
    assert.equal(rows[0]?.entries, 1);
    assert.equal(rows[0]?.window_prompts, null);

    const log = await cli(['log']);
    assert.equal(log.code, 0, log.stderr);
    const entry = ChangelogEntry.parse(JSON.parse((await cli(['log', '--json'])).stdout.trim()));
    assert.ok(log.stdout.includes(entry.summary));
    assert.ok(log.stdout.includes(`session op-1  run ${entry.run_id}`));
    for (const b of entry.bullets) assert.ok(log.stdout.includes(`  - ${b}`));
    for (const f of entry.touched_files.created) assert.ok(log.stdout.includes(`+${f}`));
    assert.equal(
      (await cli(['log', '--since', '2099-01-01'])).stdout,
      `No entries since 2099-01-01T00:00:00.000Z in ${join(repo, '.changelog')}.\n`,
    );
    assert.ok((await cli(['log', '--since', '3650d', '--json'])).stdout.includes(entry.run_id));
    const bad = await cli(['log', '--since', 'yesterday']);
    assert.equal(bad.code, 2, 'a usage error');
    assert.match(bad.stderr, /cannot read --since "yesterday"\nGive an ISO date/);
  });

  it('an invalid config is named by file and key in config show and doctor, and the hook keeps working on defaults', async () => {
    const file = join(root, 'xdg', 'shiplog', 'config.toml');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '[changelog]\nidle_minutes = "soon"\n');
    const show = await cli(['config', 'show']);
    assert.equal(show.code, 1);
    assert.match(show.stdout, /^changelog\.idle_minutes = 30\s+# default$/m);
    assert.match(
      show.stdout,
      new RegExp(`^problem: ${file}: changelog\\.idle_minutes: .+ \\(the default is used instead\\)$`, 'm'),
    );
    const { code, checks } = await doctor();
    assert.equal(code, 1);
    const configProblem = checks.find((c) => c.key === 'config');
    assert.equal(configProblem?.status, 'problem');
    assert.ok(configProblem?.message.startsWith(`${file}: changelog.idle_minutes:`));
    assert.match(configProblem?.fix ?? '', /fix "changelog\.idle_minutes" in/);

    const second = join(root, 'projects', 'op-2.jsonl');
    copyFileSync(transcript, second);
    await runProcess('/bin/sh', [HOOK, process.execPath], { env, input: stopPayload('op-2', second, repo) });
    await waitForWorkers(env.SHIPLOG_HOME as string, 'op-2');
    const rows = JSON.parse((await cli(['status', '--json', '--session', 'op-2'])).stdout) as { offset: number }[];
    assert.equal(rows[0]?.offset, readFileSync(second).length, 'the worker ran on defaults');

    writeFileSync(file, '[changelog]\nidle_minutes = 45\n');
    const fixed = await cli(['config', 'show']);
    assert.equal(fixed.code, 0);
    assert.match(fixed.stdout, new RegExp(`^changelog\\.idle_minutes = 45\\s+# ${file}$`, 'm'));
    assert.match(
      (await cli(['config', 'show'], { CTX_ACTOR: 'ada' })).stdout,
      /^changelog\.actor = "ada"\s+# env CTX_ACTOR$/m,
    );
  });

  it('doctor finds a Codex hook whose trust no longer matches, and says how to fix it', async () => {
    const file = join(env.HOME as string, '.codex', 'config.toml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text.replace(/trusted_hash = "sha256:[0-9a-f]{64}"/, `trusted_hash = "sha256:${'0'.repeat(64)}"`),
    );
    const { code, checks } = await doctor();
    assert.equal(code, 1);
    const codex = checks.find((c) => c.key === 'codex.hooks');
    assert.equal(codex?.status, 'problem');
    assert.match(codex?.message ?? '', /Codex will skip .*config\.toml:stop:0:0/);
    assert.match(codex?.fix ?? '', /shiplog install --codex/);
    const reinstall = await cli(['install', '--codex']);
    assert.equal(reinstall.code, 0, reinstall.stderr);
    assert.equal((await doctor()).checks.find((c) => c.key === 'codex.hooks')?.status, 'ok');
  });

  it('every command has --help; unknown commands and bad options go to stderr with a way forward', async () => {
    for (const cmd of ['install', 'uninstall', 'doctor', 'status', 'flush', 'log', 'config', 'process']) {
      const r = await cli([cmd, '--help']);
      assert.equal(r.code, 0, cmd);
      assert.match(r.stdout, /^Usage: shiplog /, cmd);
    }
    const unknown = await cli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /unknown command "frobnicate". Run "shiplog help"/);
    const badOption = await cli(['status', '--bogus']);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /Run "shiplog status --help" for the options/);
    const badLimit = await cli(['status', '--limit', 'lots']);
    assert.equal(badLimit.code, 2, 'a usage error');
    assert.match(badLimit.stderr, /--limit must be a positive whole number/);
  });

  it("uninstall removes both agents' entries and doctor then asks for an install", async () => {
    const r = await cli(['uninstall']);
    assert.equal(r.code, 0, r.stderr);
    const settings = JSON.parse(readFileSync(join(env.HOME as string, '.claude', 'settings.json'), 'utf8')) as object;
    assert.deepEqual(settings, {});
    assert.doesNotMatch(
      readFileSync(join(env.HOME as string, '.codex', 'config.toml'), 'utf8'),
      /codex\.cjs|hooks\.state/,
    );
    const { checks } = await doctor();
    assert.match(checks.find((c) => c.key === 'claude.settings')?.fix ?? '', /shiplog install --claude/);
    assert.match(checks.find((c) => c.key === 'codex.hooks')?.fix ?? '', /shiplog install --codex/);
  });
});
