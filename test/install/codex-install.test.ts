import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chooseCodexMode } from '../../src/agents/codex/codex-install.js';
import { CLI, cleanup, ROOT, runProcess, tempDir } from '../helpers.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/codex/', import.meta.url));
const CODEX_HOOK = join(ROOT, 'hooks', 'codex.sh');
const NOTIFY_HOOK = join(ROOT, 'hooks', 'codex-notify.sh');

/** The hash of reference/codex.md §3.5, written out by hand: compact JSON, keys sorted. */
function referenceHash(event: 'stop' | 'session_end', command: string, timeout: number): string {
  const s = `{"event_name":"${event}","hooks":[{"async":false,"command":${JSON.stringify(command)},"timeout":${timeout},"type":"command"}]}`;
  return `sha256:${createHash('sha256').update(s).digest('hex')}`;
}

/**
 * `shiplog install --codex` on real config.toml files in a temporary CODEX_HOME. The expected
 * files are the fixtures of codex-config.test.ts, written for /usr/bin/node and /opt/shiplog and
 * /home/u/.codex: here those become this node, this checkout and the temporary folder, and the
 * two trust hashes the ones the reference algorithm gives for the commands that result.
 */
describe('shiplog install --codex (config.toml on disk, compared with expected files)', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const command = `/bin/sh ${CODEX_HOOK} ${process.execPath}`;

  const localise = (text: string, home: string) =>
    text
      .replaceAll('/usr/bin/node', process.execPath)
      .replaceAll('/opt/shiplog/hooks/', `${ROOT}/hooks/`)
      .replaceAll('/home/u/.codex/config.toml', join(home, 'config.toml'))
      .replaceAll(
        'sha256:33820a7fb905bee26564e340a8bd2b78e4e083064058555655c2b2962dc1e525',
        referenceHash('stop', command, 10),
      )
      .replaceAll(
        'sha256:0e1f0714c5f77edb4eac5c85caf72f6685f4f137fa746d64aa29e2ce42d4e8be',
        referenceHash('session_end', command, 1),
      );
  const run = (home: string, ...args: string[]) =>
    runProcess(process.execPath, [CLI, ...args, '--codex'], {
      env: { ...process.env, CODEX_HOME: home, HOME: root, PATH: '/usr/bin:/bin' },
    });

  it('the fixtures hold the hashes the reference gives for their commands', () => {
    const expected = readFileSync(join(FIXTURES, 'plain', 'expected-install.toml'), 'utf8');
    assert.ok(expected.includes(referenceHash('stop', '/bin/sh /opt/shiplog/hooks/codex.sh /usr/bin/node', 10)));
    assert.ok(expected.includes(referenceHash('session_end', '/bin/sh /opt/shiplog/hooks/codex.sh /usr/bin/node', 1)));
  });

  for (const name of [
    'empty',
    'plain',
    'tables-first',
    'existing-notify',
    'multiline-notify',
    'existing-hooks',
    'no-trailing-newline',
  ]) {
    it(`${name}: install --notify, again (no change), uninstall`, async () => {
      const home = join(root, name);
      mkdirSync(home);
      const file = join(home, 'config.toml');
      const expected = (which: string) => localise(readFileSync(join(FIXTURES, name, `${which}.toml`), 'utf8'), home);
      writeFileSync(file, expected('before'));

      const first = await run(home, 'install', '--notify');
      assert.equal(first.code, 0, first.stderr);
      assert.equal(readFileSync(file, 'utf8'), expected('expected-install'));
      assert.equal(readFileSync(`${file}.shiplog.bak`, 'utf8'), expected('before'));

      const mtime = statSync(file).mtimeMs;
      const second = await run(home, 'install', '--notify');
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /already up to date/);
      assert.equal(statSync(file).mtimeMs, mtime);

      const removed = await run(home, 'uninstall');
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal(readFileSync(file, 'utf8'), expected('expected-uninstall'));
    });
  }

  it("without --notify only the hooks go in: the user's notify and its line stay as they were", async () => {
    const home = join(root, 'hooks-only');
    mkdirSync(home);
    const file = join(home, 'config.toml');
    copyFileSync(join(FIXTURES, 'existing-notify', 'before.toml'), file);
    assert.equal((await run(home, 'install')).code, 0);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^notify = \["notify-send", "codex"\]$/m);
    assert.ok(
      text.includes(
        `[hooks.state."${join(home, 'config.toml')}:stop:0:0"]\ntrusted_hash = "${referenceHash('stop', command, 10)}"`,
      ),
    );
    assert.equal((await run(home, 'uninstall')).code, 0);
    assert.equal(readFileSync(file, 'utf8'), readFileSync(join(FIXTURES, 'existing-notify', 'before.toml'), 'utf8'));
  });

  it("hooks turned off in [features]: the notify program goes in instead, chained to the user's", async () => {
    const home = join(root, 'hooks-off');
    mkdirSync(home);
    const file = join(home, 'config.toml');
    writeFileSync(file, 'notify = ["say"]\n\n[features]\nhooks = false\n');
    const r = await run(home, 'install');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /notify program registered in .* \(hooks are turned off in \[features\]\)/);
    assert.equal(
      readFileSync(file, 'utf8'),
      `notify = ["/bin/sh", ${JSON.stringify(NOTIFY_HOOK)}, ${JSON.stringify(process.execPath)}, "say"]\n\n[features]\nhooks = false\n`,
    );
    assert.equal((await run(home, 'uninstall')).code, 0);
    assert.equal(readFileSync(file, 'utf8'), 'notify = ["say"]\n\n[features]\nhooks = false\n');
  });

  it('a file that is not valid TOML is refused, naming the file and line, and left alone', async () => {
    const home = join(root, 'broken');
    mkdirSync(home);
    const file = join(home, 'config.toml');
    copyFileSync(join(FIXTURES, 'invalid-toml', 'before.toml'), file);
    const r = await run(home, 'install');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^shiplog install: ${file.replace(/[.]/g, '\\.')} line \\d+: `));
    assert.match(r.stderr, /Nothing was changed/);
    assert.equal(readFileSync(file, 'utf8'), readFileSync(join(FIXTURES, 'invalid-toml', 'before.toml'), 'utf8'));
    assert.equal(existsSync(`${file}.shiplog.bak`), false);
  });

  it('--scope project declares the hooks in ./.codex/config.toml and trusts them in the user file', async () => {
    const home = join(root, 'proj-home');
    const project = join(root, 'proj');
    mkdirSync(project);
    const r = await runProcess(process.execPath, [CLI, 'install', '--codex', '--scope', 'project'], {
      cwd: project,
      env: { ...process.env, CODEX_HOME: home, HOME: root, PATH: '/usr/bin:/bin' },
    });
    assert.equal(r.code, 0, r.stderr);
    const declared = join(project, '.codex', 'config.toml');
    assert.match(readFileSync(declared, 'utf8'), /^\[\[hooks\.Stop\]\]$/m);
    assert.doesNotMatch(readFileSync(declared, 'utf8'), /hooks\.state/);
    const user = readFileSync(join(home, 'config.toml'), 'utf8');
    assert.ok(
      user.includes(`[hooks.state."${declared}:stop:0:0"]\ntrusted_hash = "${referenceHash('stop', command, 10)}"`),
    );
    assert.ok(
      user.includes(
        `[hooks.state."${declared}:session_end:0:0"]\ntrusted_hash = "${referenceHash('session_end', command, 1)}"`,
      ),
    );
  });
});

describe('which Codex wiring', () => {
  it('hooks from 0.124 on, notify before that or with hooks off, both on request', () => {
    assert.deepEqual(chooseCodexMode([0, 169, 0], false, false), { mode: 'hooks', why: null });
    assert.deepEqual(chooseCodexMode(null, false, false), { mode: 'hooks', why: null });
    assert.deepEqual(chooseCodexMode([0, 124, 0], false, true), { mode: 'both', why: null });
    assert.deepEqual(chooseCodexMode([0, 100, 0], false, false), {
      mode: 'notify',
      why: 'Codex 0.100.0 predates hooks',
    });
    assert.deepEqual(chooseCodexMode([0, 169, 0], true, false), {
      mode: 'notify',
      why: 'hooks are turned off in [features]',
    });
  });
});
