import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import {
  ConfigEditError,
  type CodexHook,
  hooksDisabled,
  inspectHooks,
  installHooks,
  readNotify,
  rekeyTrust,
  setNotify,
  setTrust,
  trustedHash,
  trustKey,
  uninstallHooks,
} from '../../src/agents/codex/codex-config.js';
import { chainedNotify, isCodexHook, isCodexNotify } from '../../src/agents/codex/notify-argv.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/codex/', import.meta.url));
const FILE = '/home/u/.codex/config.toml';
const NODE = '/usr/bin/node';
const NOTIFY_HOOK = '/opt/shiplog/hooks/codex-notify.sh';
const COMMAND = `/bin/sh /opt/shiplog/hooks/codex.sh ${NODE}`;
const HOOKS: CodexHook[] = [
  { event: 'Stop', command: COMMAND, timeout: 10 },
  { event: 'SessionEnd', command: COMMAND },
];
const isOurs = isCodexHook;
/** smol-toml builds null-prototype objects; compare plain data. */
const toml = (text: string): Record<string, unknown> => JSON.parse(JSON.stringify(parse(text)));
const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

/** The user's own notify program: what is left after our chaining prefix. */
function userArgv(argv: string[] | null): string[] | null {
  if (argv === null || !isCodexNotify(argv)) return argv;
  const chained = chainedNotify(argv);
  return chained.length > 0 ? chained : null;
}

function install(text: string): { text: string; trust: { key: string; hash: string }[] } {
  const hooked = installHooks(text, { hooksFile: FILE, hooks: HOOKS, isOurs });
  const trusted = setTrust(hooked.text, hooked.trust);
  return {
    text: setNotify(trusted, ['/bin/sh', NOTIFY_HOOK, NODE, ...(userArgv(readNotify(trusted)) ?? [])]),
    trust: hooked.trust,
  };
}

function uninstall(text: string, user: string[] | null): { text: string; rekey: Map<string, string | null> } {
  const { text: unhooked, rekey } = uninstallHooks(text, { hooksFile: FILE, isOurs });
  return { text: setNotify(rekeyTrust(unhooked, rekey), user), rekey };
}

const fixture = (name: string, file: string) => readFileSync(join(FIXTURES, name, file), 'utf8');

describe('codex config: trust hash and key', () => {
  it('matches the hashes Codex computes (reference §3.5)', () => {
    assert.equal(
      trustedHash({ event: 'Stop', command: 'node /opt/tool/hook.js stop' }),
      'sha256:072427f15dbc07de4f896466562c4229fde1d1b54ef05c70e1176d70c59eaeac',
    );
    assert.equal(
      trustedHash({ event: 'SessionEnd', command: 'node /opt/tool/hook.js session-end' }),
      'sha256:2d65f8b81f6f6ab0c054b600833a02be71a1bd3f80100aa750c3e5408f096175',
    );
  });

  it('hashes compact JSON with sorted keys and the effective timeout', () => {
    assert.equal(
      trustedHash({ event: 'Stop', command: COMMAND, timeout: 10 }),
      sha(
        '{"event_name":"stop","hooks":[{"async":false,"command":"/bin/sh /opt/shiplog/hooks/codex.sh /usr/bin/node","timeout":10,"type":"command"}]}',
      ),
    );
    assert.equal(
      trustedHash({ event: 'SessionEnd', command: 'node "/opt/my tool/hook.js"' }),
      sha(
        '{"event_name":"session_end","hooks":[{"async":false,"command":"node \\"/opt/my tool/hook.js\\"","timeout":1,"type":"command"}]}',
      ),
    );
    assert.equal(
      trustedHash({ event: 'Stop', command: 'x', async: true, statusMessage: 'saving', matcher: '.*' }),
      sha(
        '{"event_name":"stop","hooks":[{"async":true,"command":"x","statusMessage":"saving","timeout":600,"type":"command"}],"matcher":".*"}',
      ),
    );
  });

  it('builds keys from the declaring file, snake-case event and indexes', () => {
    assert.equal(trustKey(FILE, 'SessionEnd', 2), '/home/u/.codex/config.toml:session_end:2:0');
    assert.equal(trustKey(FILE, 'Stop', 0, 1), '/home/u/.codex/config.toml:stop:0:1');
  });
});

describe('codex config: install and uninstall fixtures', () => {
  const cases = [
    'empty',
    'plain',
    'tables-first',
    'existing-notify',
    'multiline-notify',
    'existing-hooks',
    'user-hook-after-ours',
    'no-trailing-newline',
  ];
  for (const name of cases) {
    it(name, () => {
      const before = fixture(name, 'before.toml');
      const installed = install(before);
      assert.equal(installed.text, fixture(name, 'expected-install.toml'));
      assert.equal(install(installed.text).text, installed.text, 'installing again changes nothing');
      const removed = uninstall(installed.text, userArgv(readNotify(before)));
      assert.equal(removed.text, fixture(name, 'expected-uninstall.toml'));
    });
  }

  it('uninstall restores every original byte except where noted', () => {
    // no-trailing-newline: installing ends the file with a newline, which uninstall keeps.
    // user-hook-after-ours: "before" is an installed config; uninstall drops ours and rekeys theirs.
    for (const name of cases.filter((c) => c !== 'no-trailing-newline' && c !== 'user-hook-after-ours')) {
      assert.equal(fixture(name, 'expected-uninstall.toml'), fixture(name, 'before.toml'), name);
    }
    assert.equal(
      fixture('no-trailing-newline', 'expected-uninstall.toml'),
      `${fixture('no-trailing-newline', 'before.toml')}\n`,
    );
  });

  it('appends ours after existing groups, so their indexes and trust stay put', () => {
    const { trust } = install(fixture('existing-hooks', 'before.toml'));
    assert.deepEqual(
      trust.map((t) => t.key),
      [`${FILE}:stop:1:0`, `${FILE}:session_end:0:0`],
    );
    assert.deepEqual(toml(fixture('existing-hooks', 'expected-install.toml')).hooks, {
      PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'guard --strict' }] }],
      Stop: [
        { hooks: [{ type: 'command', command: 'say done' }] },
        { hooks: [{ type: 'command', command: COMMAND, timeout: 10 }] },
      ],
      SessionEnd: [{ hooks: [{ type: 'command', command: COMMAND }] }],
      state: {
        [`${FILE}:stop:0:0`]: { trusted_hash: `sha256:${'1'.repeat(64)}` },
        [`${FILE}:stop:1:0`]: { trusted_hash: trustedHash(HOOKS[0]!) },
        [`${FILE}:session_end:0:0`]: { trusted_hash: trustedHash(HOOKS[1]!) },
      },
    });
  });

  it('moves the trust of a user group that followed ours down to its new index', () => {
    const { rekey } = uninstall(fixture('user-hook-after-ours', 'before.toml'), null);
    assert.deepEqual(
      rekey,
      new Map([
        [`${FILE}:stop:0:0`, null],
        [`${FILE}:stop:1:0`, `${FILE}:stop:0:0`],
        [`${FILE}:session_end:0:0`, null],
      ]),
    );
    assert.deepEqual(toml(fixture('user-hook-after-ours', 'expected-uninstall.toml')).hooks, {
      Stop: [{ hooks: [{ type: 'command', command: "say 'turn done'" }] }],
      state: { [`${FILE}:stop:0:0`]: { trusted_hash: `sha256:${'2'.repeat(64)}`, enabled: true } },
    });
  });
});

describe('codex config: errors', () => {
  it('refuses invalid TOML with the line number', () => {
    assert.throws(
      () => install(fixture('invalid-toml', 'before.toml')),
      (err: unknown) => err instanceof ConfigEditError && /^config\.toml line 2: /.test(err.message),
    );
  });

  it('refuses hooks written as an inline array, saying what to change', () => {
    assert.throws(
      () => install(fixture('inline-hooks-array', 'before.toml')),
      (err: unknown) => err instanceof ConfigEditError && /\[\[hooks\.Stop\]\] table/.test(err.message),
    );
  });

  it('refuses an inline hooks table', () => {
    const text = 'hooks = { Stop = [] }\n';
    assert.throws(
      () => installHooks(text, { hooksFile: FILE, hooks: HOOKS, isOurs }),
      (err: unknown) => err instanceof ConfigEditError && /inline table/.test(err.message),
    );
  });

  it('refuses a notify that is not a list of strings', () => {
    assert.throws(() => readNotify('notify = "notify-send"\n'), ConfigEditError);
  });
});

describe('codex config: hooks edge cases', () => {
  it('updates an older checkout of our hook in place, keeping its index', () => {
    const old = '/usr/local/bin/node /old/place/hooks/codex.cjs';
    const before = [
      '[[hooks.Stop]]',
      `hooks = [{ type = "command", command = "${old}" }]  # shiplog`,
      '',
      '[[hooks.Stop]]',
      'hooks = [{ type = "command", command = "say done" }]',
      '',
      `[hooks.state."${FILE}:stop:0:0"]`,
      `trusted_hash = "${trustedHash({ event: 'Stop', command: old })}"`,
      '',
    ].join('\n');
    const { text, trust } = installHooks(before, { hooksFile: FILE, hooks: [HOOKS[0]!], isOurs });
    assert.equal(
      text,
      before.replace(
        `{ type = "command", command = "${old}" }`,
        `{ type = "command", command = "${COMMAND}", timeout = 10 }`,
      ),
    );
    assert.deepEqual(trust, [{ key: `${FILE}:stop:0:0`, hash: trustedHash(HOOKS[0]!) }]);
    const trusted = setTrust(text, trust);
    assert.equal(trusted, text.replace(trustedHash({ event: 'Stop', command: old }), trustedHash(HOOKS[0]!)));
  });

  it('writes commands with quotes and backslashes as valid TOML strings', () => {
    const command = `"C:\\Program Files\\node.exe" '/opt/it's here/hook.cjs'\ttab`;
    const { text } = installHooks('', { hooksFile: FILE, hooks: [{ event: 'Stop', command }], isOurs: () => false });
    assert.equal(
      text,
      `[[hooks.Stop]]\nhooks = [{ type = "command", command = "\\"C:\\\\Program Files\\\\node.exe\\" '/opt/it's here/hook.cjs'\\ttab" }]\n`,
    );
    assert.deepEqual(toml(text), { hooks: { Stop: [{ hooks: [{ type: 'command', command }] }] } });
  });

  it('removes only our handler from a group shared with another tool, renumbering the rest', () => {
    const before =
      '[[hooks.Stop]]\nhooks = [\n  { type = "command", command = "a" },\n  { type = "command", command = "node /x/hooks/codex.cjs" },\n  { type = "command", command = "b" },\n]\n';
    const { text, rekey } = uninstallHooks(before, { hooksFile: FILE, isOurs });
    assert.equal(
      text,
      '[[hooks.Stop]]\nhooks = [\n  { type = "command", command = "a" },\n  { type = "command", command = "b" },\n]\n',
    );
    assert.deepEqual(
      rekey,
      new Map([
        [`${FILE}:stop:0:1`, null],
        [`${FILE}:stop:0:2`, `${FILE}:stop:0:1`],
      ]),
    );
  });

  it('keeps CRLF line endings and round-trips', () => {
    const before = 'model = "o3"\r\n\r\n[tui]\r\nnotifications = true\r\n';
    const installed = install(before).text;
    assert.doesNotMatch(installed.replace(/\r\n/g, ''), /\n/);
    assert.equal(uninstall(installed, null).text, before);
  });

  it('deletes and renames trust tables in one pass, leaving others alone', () => {
    const text = [
      'a = 1',
      '',
      `[hooks.state."${FILE}:stop:0:0"]`,
      'trusted_hash = "sha256:0"',
      '',
      `[hooks.state."${FILE}:stop:1:0"]`,
      'trusted_hash = "sha256:1"',
      '',
      `[hooks.state."${FILE}:stop:2:0"]`,
      'trusted_hash = "sha256:2"',
      '',
      '[tui]',
      '',
    ].join('\n');
    const out = rekeyTrust(
      text,
      new Map([
        [`${FILE}:stop:1:0`, null],
        [`${FILE}:stop:2:0`, `${FILE}:stop:1:0`],
        [`${FILE}:stop:9:0`, null],
      ]),
    );
    assert.equal(
      out,
      [
        'a = 1',
        '',
        `[hooks.state."${FILE}:stop:0:0"]`,
        'trusted_hash = "sha256:0"',
        '',
        `[hooks.state."${FILE}:stop:1:0"]`,
        'trusted_hash = "sha256:2"',
        '',
        '[tui]',
        '',
      ].join('\n'),
    );
  });

  it('adds trusted_hash to an existing state table that lacks it', () => {
    const text = `[hooks.state.'${FILE}:stop:0:0']\nenabled = true\n`;
    assert.equal(
      setTrust(text, [{ key: `${FILE}:stop:0:0`, hash: 'sha256:ab' }]),
      `[hooks.state.'${FILE}:stop:0:0']\ntrusted_hash = "sha256:ab"\nenabled = true\n`,
    );
  });
});

describe('codex config: notify', () => {
  it('escapes strings and reads them back', () => {
    const argv = ['/usr/bin/node', 'C:\\tools\\n.js', 'say "hi"', 'line\nbreak', 'tab\there', 'ünïcode ✓'];
    const text = setNotify('model = "o3"\n', argv);
    assert.equal(
      text,
      'model = "o3"\nnotify = ["/usr/bin/node", "C:\\\\tools\\\\n.js", "say \\"hi\\"", "line\\nbreak", "tab\\there", "ünïcode ✓"]\n',
    );
    assert.deepEqual(readNotify(text), argv);
    assert.equal(setNotify(text, null), 'model = "o3"\n');
  });

  it('reads literal and multi-line notify arrays', () => {
    assert.deepEqual(readNotify('notify = [\n  \'a\\b\', # c\n  "d",\n]\n'), ['a\\b', 'd']);
    assert.equal(readNotify('model = "o3"\n'), null);
  });

  it('replaces a notify that is not a chain of the old one in place', () => {
    assert.equal(setNotify('notify = [\n  "a",\n]  # mine\n[x]\n', ['b']), 'notify = ["b"]  # mine\n[x]\n');
  });

  it('puts a new notify before the first table, never inside it', () => {
    assert.equal(setNotify('# only a comment', ['n']), '# only a comment\nnotify = ["n"]\n');
    assert.equal(setNotify('[x]\na = 1\n', ['n']), 'notify = ["n"]\n\n[x]\na = 1\n');
    assert.deepEqual(toml(setNotify('a = 1\n[x]\nb = 2\n', ['n'])), { a: 1, notify: ['n'], x: { b: 2 } });
  });

  it('leaves text alone when nothing changes', () => {
    const text = 'notify = [ "a" ]   \n';
    assert.equal(setNotify(text, ['a']), text);
    assert.equal(setNotify('a = 1\n', null), 'a = 1\n');
  });
});

describe('codex config: inspection', () => {
  it('hooksDisabled reads [features] hooks and its old name', () => {
    assert.equal(hooksDisabled('[features]\nhooks = false\n'), true);
    assert.equal(hooksDisabled('[features]\ncodex_hooks = false\n'), true);
    assert.equal(hooksDisabled('features.hooks = true\n'), false);
    assert.equal(hooksDisabled(''), false);
  });

  it('reports stored and expected hashes of our hooks', () => {
    const installed = install(fixture('existing-hooks', 'before.toml')).text;
    const report = inspectHooks(installed, { hooksFile: FILE, isOurs });
    assert.deepEqual(
      report.map((r) => [r.event, r.index, r.key, r.command, r.storedHash === r.expectedHash, r.enabled]),
      [
        ['Stop', 1, `${FILE}:stop:1:0`, COMMAND, true, true],
        ['SessionEnd', 0, `${FILE}:session_end:0:0`, COMMAND, true, true],
      ],
    );

    const edited = installed.replace(
      `command = "${COMMAND}", timeout = 10`,
      `command = "${COMMAND} --debug", timeout = 10`,
    );
    const stop = inspectHooks(edited, { hooksFile: FILE, isOurs })[0];
    assert.equal(stop?.storedHash, trustedHash(HOOKS[0]!));
    assert.notEqual(stop?.expectedHash, stop?.storedHash);
  });

  it('reads trust from a separate state file and notices enabled = false', () => {
    const projectFile = '/repo/.codex/config.toml';
    const hooksText = installHooks('', { hooksFile: projectFile, hooks: HOOKS, isOurs }).text;
    const stateText = `[hooks.state."${projectFile}:stop:0:0"]\ntrusted_hash = "${trustedHash(HOOKS[0]!)}"\nenabled = false\n`;
    const report = inspectHooks(hooksText, { hooksFile: projectFile, isOurs, stateText });
    assert.deepEqual(
      report.map((r) => [r.key, r.storedHash, r.enabled]),
      [
        [`${projectFile}:stop:0:0`, trustedHash(HOOKS[0]!), false],
        [`${projectFile}:session_end:0:0`, null, true],
      ],
    );
  });
});
