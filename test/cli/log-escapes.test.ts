import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, CLI, gitRepo, runProcess, tempDir } from '../helpers.js';
import { simpleTurn, writeClaudeTranscript } from '../synthetic.js';

// C0 controls but tab and newline, DEL, and the C1 range (U+0080–U+009F: U+009B is a one-character CSI to many terminals).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/**
 * A cloned repository's .changelog is untrusted text: an entry can carry terminal escape
 * sequences (an OSC 52 clipboard write, an OSC 8 link, a C1 CSI), and so can an actor folder's
 * name. `shiplog log` prints none of them, in text or JSON, on stdout or stderr.
 */
it('shiplog log prints no control characters from entries or folder names', async () => {
  const root = tempDir();
  after(() => cleanup(root));
  const repo = gitRepo(join(root, 'repo'));
  const env = { ...process.env, SHIPLOG_HOME: join(root, 'state'), SHIPLOG_ACTOR: 'esc' };
  const t = writeClaudeTranscript(join(root, 't.jsonl'), 'esc-1', repo, [simpleTurn(0)]);
  const made = await runProcess(
    process.execPath,
    [CLI, 'process', t, '--repo', repo, '--session', 'esc-1', '--agent', 'claude-code'],
    { env },
  );
  assert.equal(made.code, 0, made.stderr);
  const file = join(repo, '.changelog', 'esc', 'entries.jsonl');
  const entry = JSON.parse(readFileSync(file, 'utf8').trim()) as Record<string, unknown>;
  const osc52 = '\u001b]52;c;ZWNobyBwd25lZA==\u0007';
  const osc8 = '\u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\';
  const c1 = '\u009b2J\u009d0;title\u009c';
  const hostile = {
    ...entry,
    summary: `Fixed it${osc52}`,
    label: `label${c1}`,
    bullets: [`see ${osc8}`, 'bell\u0007 and backspace\b'],
    touched_files: { created: [`a\u001b[31m.ts`], modified: [], deleted: [], moved: [] },
  };
  writeFileSync(file, `${JSON.stringify(hostile)}\n`);
  // An actor folder whose name is an escape sequence, holding a line that is not JSON (reported on stderr).
  const evilActor = join(repo, '.changelog', 'x\u001b]52;c;aGk=\u0007');
  mkdirSync(evilActor);
  writeFileSync(join(evilActor, 'entries.jsonl'), 'not json \u001b[2J\n');

  for (const args of [['log'], ['log', '--json']]) {
    const r = await runProcess(process.execPath, [CLI, ...args, '--repo', repo], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      !CONTROL.test(r.stdout),
      `stdout of ${args.join(' ')} holds a control character: ${JSON.stringify(r.stdout.match(CONTROL)?.[0])}`,
    );
    assert.ok(!CONTROL.test(r.stderr), `stderr of ${args.join(' ')} holds a control character`);
    assert.match(r.stderr, /is not JSON; skipped/, 'the bad line is still reported');
  }
  const text = await runProcess(process.execPath, [CLI, 'log', '--repo', repo], { env });
  assert.match(text.stdout, /Fixed it/, 'the readable part of the text is kept');
  assert.match(text.stdout, /see .*click/);
  const json = await runProcess(process.execPath, [CLI, 'log', '--json', '--repo', repo], { env });
  const back = JSON.parse(json.stdout.trim()) as { summary: string };
  assert.equal(
    back.summary,
    `Fixed it${osc52}`,
    '--json keeps the stored value, escaped so a terminal shows it as text',
  );
});
