import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { discoverTranscripts, locateSessions } from '../../src/backfill/discover.js';
import { newTranscripts } from '../../src/worker/sweep.js';
import { CLI, cleanup, gitRepo, readOutputs, ROOT, runProcess, tempDir } from '../helpers.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'gemini');
const idOf = (name: string): string =>
  (JSON.parse(readFileSync(join(FIXTURES, name), 'utf8').split('\n')[0] ?? '{}') as { sessionId: string }).sessionId;

/**
 * Gemini CLI's folders as the CLI leaves them (docs/gemini-cli.md): `tmp/<project>/chats/`
 * with the session's log and the stub a resumed run starts, `.project_root` naming the
 * project's folder, and an older project with a whole-file `.json` session.
 */
function geminiHome(root: string) {
  const home = join(root, 'home');
  const repo = gitRepo(join(root, 'ws'));
  const legacyRepo = gitRepo(join(root, 'old'));
  const chats = join(home, '.gemini', 'tmp', 'ws', 'chats');
  const oldChats = join(home, '.gemini', 'tmp', 'old', 'chats');
  mkdirSync(chats, { recursive: true });
  mkdirSync(oldChats, { recursive: true });
  writeFileSync(join(home, '.gemini', 'tmp', 'ws', '.project_root'), repo);
  writeFileSync(join(home, '.gemini', 'tmp', 'old', '.project_root'), `${legacyRepo}\n`);
  const main = join(chats, 'session-2026-12-07T14-42-f8c48a7e.jsonl');
  const stub = join(chats, 'session-2026-12-07T14-43-f8c48a7e.jsonl');
  const legacy = join(oldChats, 'session-2026-12-07T14-38-9797afdb.json');
  copyFileSync(join(FIXTURES, 'build.jsonl'), main);
  copyFileSync(join(FIXTURES, 'build.resume-stub.jsonl'), stub);
  copyFileSync(join(FIXTURES, 'legacy-0.38.json'), legacy);
  // Finished sessions: quiet for longer than the idle time, so backfill closes their windows.
  const past = new Date(Date.now() - 2 * 3_600_000);
  for (const f of [main, stub, legacy]) utimesSync(f, past, past);
  const env = {
    ...process.env,
    HOME: home,
    GEMINI_CLI_HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    CODEX_HOME: join(home, '.codex'),
  };
  return { home, repo, legacyRepo, main, stub, legacy, env };
}

describe('Gemini CLI sessions on disk', () => {
  const root = tempDir();
  after(() => cleanup(root));

  it('backfill finds each session once, by the id in its first record, in the folder .project_root names', () => {
    const g = geminiHome(join(root, 'discover'));
    const found = discoverTranscripts({ agents: ['gemini'], env: g.env });
    assert.deepEqual(
      found.transcripts.map((t) => [t.sessionId, t.path]).sort(),
      [
        [idOf('build.jsonl'), g.main],
        [JSON.parse(readFileSync(g.legacy, 'utf8')).sessionId, g.legacy],
      ].sort(),
    );
    assert.deepEqual(
      found.skipped.map((s) => [s.path, s.reason]),
      [[g.stub, `another file of this session is larger: ${g.main}`]],
    );
    const located = locateSessions(found.transcripts);
    assert.deepEqual(located.sessions.map((s) => s.cwd).sort(), [g.repo, g.legacyRepo].sort());
  });

  it('the sweep lists the session, not the stub beside it', () => {
    const g = geminiHome(join(root, 'sweep'));
    const found = newTranscripts(g.env, null, new Date(Date.now() - 3 * 3_600_000), new Date());
    assert.deepEqual(found.map((f) => [f.agent, f.path]).sort(), [
      ['gemini', g.legacy],
      ['gemini', g.main],
    ]);
  });

  it("shiplog backfill --agent gemini writes each session's devlog and entries into its project", async () => {
    const g = geminiHome(join(root, 'backfill'));
    const r = await runProcess(process.execPath, [CLI, 'backfill', '--agent', 'gemini'], {
      env: { ...g.env, SHIPLOG_HOME: join(root, 'backfill', 'state') },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const build = readOutputs(g.repo, idOf('build.jsonl'));
    assert.match(build.devlog ?? '', /Fix greet so the test passes, run it again and commit\./);
    assert.deepEqual(
      build.entries
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { tool: string }).tool),
      ['gemini'],
    );
    const legacy = readOutputs(g.legacyRepo, JSON.parse(readFileSync(g.legacy, 'utf8')).sessionId);
    assert.match(legacy.devlog ?? '', /Create greet\.js with a greet\(name\) function/);
    const again = await runProcess(process.execPath, [CLI, 'backfill', '--agent', 'gemini'], {
      env: { ...g.env, SHIPLOG_HOME: join(root, 'backfill', 'state') },
    });
    assert.equal(again.code, 0);
    assert.match(again.stdout, /0 processed|up to date/);
    assert.equal(
      readOutputs(g.repo, idOf('build.jsonl')).entries,
      build.entries,
      'a second backfill writes nothing twice',
    );
  });
});
