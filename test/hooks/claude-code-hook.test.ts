import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { stateDir as srcStateDir } from '../../src/paths.js';
import { processStartTime } from '../../src/state/session-lock.js';
import {
  CLI,
  cleanup,
  gitRepo,
  HOOK,
  hookEnv,
  listFiles,
  readOutputs,
  runProcess,
  sessionEndPayload,
  stopPayload,
  tempDir,
  waitForWorkers,
} from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

/** The hook as Claude Code runs it (`/bin/sh hooks/claude-code.sh <node>`): a real child process with real stdin. */
describe('claude-code hook', () => {
  let root: string;
  let home: string;
  let repo: string;
  let transcript: string;

  before(() => {
    root = tempDir();
    home = join(root, 'state');
    repo = mkdirRepo(join(root, 'repo'));
    transcript = join(root, 'projects', 'sess-1.jsonl');
    mkdirSync(join(root, 'projects'));
    copyFileSync(claudeFixture('build'), transcript);
  });
  after(() => cleanup(root));

  it('exits 0 with empty stdout and the worker writes the devlog and the entry', async () => {
    const r = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env: hookEnv(home),
      input: stopPayload('sess-1', transcript, repo),
    });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
    await waitForWorkers(home, 'sess-1');
    const afterStop = readOutputs(repo, 'sess-1');
    assert.ok(afterStop.devlog, 'devlog written after Stop');
    assert.match(afterStop.devlog, /"type": "user"/);
    assert.equal(afterStop.entries, '', 'a Stop does not close the window in session granularity');

    const end = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env: hookEnv(home),
      input: sessionEndPayload('sess-1', transcript, repo),
    });
    assert.equal(end.code, 0);
    assert.equal(end.stdout, '');
    await waitForWorkers(home, 'sess-1');
    const entries = readOutputs(repo, 'sess-1').entries.trim().split('\n');
    assert.equal(entries.length, 1);
    const entry = JSON.parse(entries[0] ?? '');
    assert.equal(entry.tool, 'claude');
    assert.equal(entry.transcript.session_id, 'sess-1');
  });

  it('does nothing at all under SHIPLOG_INTERNAL=1', async () => {
    const internalHome = join(root, 'internal-state');
    const r = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env: hookEnv(internalHome, { SHIPLOG_INTERNAL: '1' }),
      input: stopPayload('sess-internal', transcript, repo),
    });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(existsSync(internalHome), false, 'no state folder, no log, no job');
  });

  const malformed: { name: string; input?: string | Buffer; keepOpen?: boolean; fromFile?: boolean; reason: RegExp }[] =
    [
      { name: 'empty stdin', input: '', reason: /stdin was empty/ },
      { name: 'not JSON', input: 'this is not json{', reason: /not a complete JSON payload/ },
      // From a file: a parent that stops feeding stdin once the hook has exited (node does) would
      // cut it short first, and the hook exits before its background copy has read it all.
      { name: '5 MiB of stdin', input: Buffer.alloc(5 * 1024 * 1024, 0x61), fromFile: true, reason: /size cap/ },
      { name: 'a JSON array', input: '[1,2,3]', reason: /not a JSON object/ },
      { name: 'missing fields', input: JSON.stringify({ hook_event_name: 'Stop' }), reason: /session_id/ },
      {
        name: 'missing transcript_path',
        input: JSON.stringify({ session_id: 'ok-id', hook_event_name: 'Stop' }),
        reason: /transcript_path/,
      },
      {
        name: 'a traversal session id',
        input: JSON.stringify({ session_id: '../../x', transcript_path: '/tmp/x.jsonl', hook_event_name: 'Stop' }),
        reason: /unsafe session_id/,
      },
      {
        name: 'an absolute session id',
        input: JSON.stringify({ session_id: '/etc/passwd', transcript_path: '/tmp/x.jsonl', hook_event_name: 'Stop' }),
        reason: /unsafe session_id/,
      },
      {
        name: 'an unknown event',
        input: JSON.stringify({ session_id: 'ok-id', transcript_path: '/tmp/x.jsonl', hook_event_name: 'PreToolUse' }),
        reason: /hook_event_name/,
      },
      {
        name: 'stdin held open without a payload',
        input: '{"session_id":',
        keepOpen: true,
        reason: /not a complete JSON payload/,
      },
    ];

  for (const c of malformed) {
    it(`exits 0 silently on ${c.name}; the router logs why and nothing else is written`, async () => {
      const caseRoot = tempDir();
      const caseHome = join(caseRoot, 'state');
      const caseRepo = mkdirRepo(join(caseRoot, 'repo'));
      const inputFile = join(root, `${c.name.replace(/\W+/g, '-')}.in`);
      if (c.fromFile) writeFileSync(inputFile, c.input ?? '');
      const beforeFiles = listFiles(caseRoot);
      try {
        const r = c.fromFile
          ? await runProcess('/bin/sh', ['-c', 'exec /bin/sh "$HOOK" "$NODE" < "$IN"'], {
              env: hookEnv(caseHome, { HOME: caseRoot, HOOK, NODE: process.execPath, IN: inputFile }),
            })
          : await runProcess('/bin/sh', [HOOK, process.execPath], {
              env: hookEnv(caseHome, { HOME: caseRoot }),
              input: c.input,
              keepStdinOpen: c.keepOpen,
            });
        assert.equal(r.code, 0);
        assert.equal(r.stdout, '');
        assert.equal(r.stderr, '');
        await waitForWorkers(caseHome, 'none');
        assert.deepEqual(
          listFiles(caseRoot),
          [...beforeFiles, 'state/shiplog.log'].sort(),
          'nothing but the log line was left',
        );
        assert.equal(existsSync(join(caseRepo, '.devlog')) || existsSync(join(caseRepo, '.changelog')), false);
        const log = readFileSync(join(caseHome, 'shiplog.log'), 'utf8');
        assert.match(log, c.reason);
        for (const line of log.trim().split('\n')) JSON.parse(line);
      } finally {
        cleanup(caseRoot);
      }
    });
  }

  it('a complete payload on stdin that is never closed is still taken', async () => {
    const r = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env: hookEnv(home),
      input: stopPayload('sess-open', transcript, repo),
      keepStdinOpen: true,
    });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    await waitForWorkers(home, 'sess-open');
    assert.ok(readOutputs(repo, 'sess-open').devlog);
  });

  it('reads stdin whether it is a file, a pipe or a socket, and a pipe held open does not hold it', {
    timeout: 300_000,
  }, async () => {
    const kinds: { name: string; script: string }[] = [
      { name: 'file', script: 'exec /bin/sh "$HOOK" "$NODE" < "$PAYLOAD"' },
      { name: 'pipe', script: 'cat "$PAYLOAD" | /bin/sh "$HOOK" "$NODE"' },
      // The writer keeps the pipe open after the payload until the hook has exited (it is
      // killed only then), so the hook can only finish by leaving on its own.
      {
        name: 'held-pipe',
        script:
          '{ cat "$PAYLOAD"; exec sh -c \'echo $$ > "$WRITER"; exec sleep 600\'; } | { /bin/sh "$HOOK" "$NODE"; status=$?; while [ ! -s "$WRITER" ]; do sleep 0.05; done; echo "status $status with the writer still there: $(kill -0 "$(cat "$WRITER")" && echo yes)"; kill "$(cat "$WRITER")"; }',
      },
    ];
    for (const kind of kinds) {
      const id = `sess-${kind.name}`;
      const payloadFile = join(root, `${id}.json`);
      writeFileSync(payloadFile, stopPayload(id, transcript, repo));
      const r = await runProcess('sh', ['-c', kind.script], {
        env: {
          ...hookEnv(home),
          NODE: process.execPath,
          HOOK,
          PAYLOAD: payloadFile,
          WRITER: join(root, `${id}.writer`),
        },
      });
      if (kind.name === 'held-pipe')
        assert.equal(
          r.stdout,
          'status 0 with the writer still there: yes\n',
          'the hook left while the writer held the pipe',
        );
      else {
        assert.equal(r.code, 0, `${kind.name}: ${r.stderr}`);
        assert.equal(r.stdout, '', kind.name);
      }
      await waitForWorkers(home, id);
      assert.ok(readOutputs(repo, id).devlog, `${kind.name}: the worker ran`);
    }
  });

  it('starts no node while a router is alive: the payload waits in the inbox for it', async () => {
    const warmHome = join(root, 'warm-state');
    const inbox = join(warmHome, 'inbox');
    mkdirSync(inbox, { recursive: true });
    // This test process stands in for a live router: its marker names a running process.
    writeFileSync(join(inbox, 'router.alive'), `${process.pid} ${processStartTime(process.pid) ?? '-'}\n`);
    const r = await runProcess('/bin/sh', [HOOK, process.execPath], {
      env: hookEnv(warmHome),
      input: stopPayload('sess-warm', transcript, repo),
    });
    assert.equal(r.code, 0);
    // The hook hands the copy to a process of its own and does not wait for it: wait for the rename.
    const named = () => readdirSync(inbox).filter((n) => n !== 'router.alive' && !n.endsWith('.part'));
    for (let i = 0; i < 600 && named().length === 0; i++) await sleep(50);
    const left = readdirSync(inbox).filter((n) => n !== 'router.alive');
    assert.equal(left.length, 1, 'the payload, renamed whole');
    assert.match(left[0] ?? '', /^\d+-\d+\.claude-code$/);
    assert.equal(readFileSync(join(inbox, left[0] ?? ''), 'utf8'), stopPayload('sess-warm', transcript, repo));
    assert.equal(existsSync(join(warmHome, 'spool')), false, 'no router ran: nothing was spooled');
    // The "router" leaves without routing it: the next worker's exit (here shiplog flush) does.
    rmSync(join(inbox, 'router.alive'));
    const flush = await runProcess(process.execPath, [CLI, 'flush'], { env: hookEnv(warmHome) });
    assert.equal(flush.code, 0, flush.stderr);
    await waitForWorkers(warmHome, 'sess-warm');
    assert.deepEqual(readdirSync(inbox), []);
    assert.ok(readOutputs(repo, 'sess-warm').devlog, 'the stranded payload was routed and read');
  });

  it('resolves the same state folder as the worker', async () => {
    const out = join(root, 'state-dir.txt');
    const envs: NodeJS.ProcessEnv[] = [
      { SHIPLOG_HOME: '/x/y' },
      { XDG_STATE_HOME: '/xdg/state' },
      { XDG_STATE_HOME: 'relative/ignored' },
      {},
    ];
    for (const env of envs) {
      const r = await runProcess('/bin/sh', ['-c', '. "$LIB"; printf %s "$shiplog_state" > "$OUT"'], {
        env: { PATH: process.env.PATH, HOME: homedir(), LIB: join(HOOK, '..', 'lib', 'inbox.sh'), OUT: out, ...env },
      });
      assert.equal(r.code, 0);
      assert.equal(readFileSync(out, 'utf8'), srcStateDir(env));
    }
  });
});

function mkdirRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return gitRepo(dir);
}
