import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanup, CLI, gitRepo, listFiles, readOutputs, runProcess, tempDir, WORKER } from '../helpers.js';
import { claudeFixture } from '../claude-fixtures.js';

/**
 * Hostile transcripts and paths through real processes (`shiplog process`, the worker): each case
 * ends with a clear exit status and reason, and nothing is written outside the repository's
 * .devlog/ and .changelog/ and the state folder.
 */
describe('hostile transcripts and paths', () => {
  const root = tempDir();
  after(() => cleanup(root));
  const good = claudeFixture('build');

  function world(name: string) {
    const dir = join(root, name);
    const repo = gitRepo(join(dir, 'repo'));
    const state = join(dir, 'state');
    mkdirSync(join(dir, 'in'));
    const run = (transcript: string, ...extra: string[]) =>
      runProcess(
        process.execPath,
        [CLI, 'process', transcript, '--repo', repo, '--session', name, '--agent', 'claude-code', ...extra],
        { env: { ...process.env, SHIPLOG_HOME: state } },
      );
    /** What changed outside the repository's outputs, the state folder and the inputs. */
    const outside = () =>
      listFiles(dir).filter(
        (f) => !/^repo\/\.(devlog|changelog|git)\//.test(f) && !f.startsWith('state/') && !f.startsWith('in/'),
      );
    return { dir, repo, state, run, outside, input: (n: string) => join(dir, 'in', n) };
  }

  it('a directory or a FIFO as transcript is refused with its reason; a symbolic link is not followed', async () => {
    const w = world('paths');
    const fifo = w.input('fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    for (const path of [join(w.dir, 'in'), fifo]) {
      const r = await w.run(path);
      assert.equal(r.code, 1, path);
      assert.match(r.stderr, /is not a regular file/);
    }
    assert.deepEqual(w.outside(), []);
    // A hook's job naming a link to /etc/passwd: the worker refuses it, and logs why.
    const link = w.input('link.jsonl');
    symlinkSync('/etc/passwd', link);
    const job = {
      v: 1,
      agent: 'claude-code',
      received_at: new Date().toISOString(),
      payload: {
        session_id: 'lnk',
        transcript_path: link,
        cwd: w.repo,
        hook_event_name: 'SessionEnd',
        reason: 'other',
      },
    };
    mkdirSync(join(w.state, 'spool', 'lnk'), { recursive: true });
    writeFileSync(join(w.state, 'spool', 'lnk', '000000000000001-x.json'), JSON.stringify(job));
    const worker = await runProcess(process.execPath, [WORKER, 'lnk'], {
      env: { ...process.env, SHIPLOG_HOME: w.state, SHIPLOG_WORKER_LINGER_SECONDS: '0' },
    });
    assert.equal(worker.code, 0);
    assert.match(readFileSync(join(w.state, 'shiplog.log'), 'utf8'), /symbolic link; not followed/);
    assert.equal(readOutputs(w.repo, 'lnk').devlog, null);
    assert.deepEqual(w.outside(), []);
  });

  it('binary garbage, invalid UTF-8, 100k-deep nesting, wrong field types, a 200 MB line and a line of 10M keys are skipped and counted; the rest is read', async () => {
    const w = world('garbage');
    const t = w.input('t.jsonl');
    copyFileSync(good, t);
    appendFileSync(t, Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a]));
    appendFileSync(
      t,
      Buffer.concat([
        Buffer.from('{"type":"user","message":{"content":"'),
        Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
        Buffer.from('"}\n'),
      ]),
    );
    appendFileSync(t, `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    appendFileSync(t, '{"type":"assistant","uuid":5,"timestamp":{},"message":{"id":[],"content":"x"}}\n');
    // 200 MB in one line, written in pieces: far over the 8 MiB line cap.
    const fd = openSync(t, 'a');
    const piece = Buffer.alloc(8 * 1024 * 1024, 0x61);
    writeSync(fd, '{"type":"user","message":{"content":"');
    for (let i = 0; i < 25; i++) writeSync(fd, piece);
    writeSync(fd, '"}}\n');
    // A line of 10 million short keys (about 110 MB): also over the cap, also never parsed.
    writeSync(fd, '{"type":"user"');
    for (let k = 0; k < 10_000_000; k += 100_000) {
      let chunk = '';
      for (let j = k; j < k + 100_000; j++) chunk += `,"k${j}":0`;
      writeSync(fd, chunk);
    }
    writeSync(fd, '}\n');
    closeSync(fd);
    appendFileSync(
      t,
      '{"type":"user","uuid":"after","timestamp":"2026-01-21T07:00:00.000Z","cwd":"/tmp","message":{"role":"user","content":"a prompt after all of it"}}\n',
    );
    const r = await w.run(t, '--json');
    rmSync(t);
    assert.equal(r.code, 0, r.stderr);
    const outcome = JSON.parse(r.stdout) as { oversized: number; skipped: Record<string, number> };
    assert.equal(outcome.oversized, 2, 'the 200 MB line and the 10M-key line');
    // The garbage and the invalid UTF-8 line are not JSON; the deep array parses but is no record;
    // the wrong-typed assistant record is skipped as malformed: four lines, four reasons counted.
    assert.equal(outcome.skipped['invalid-json'], 2, JSON.stringify(outcome.skipped));
    assert.equal(
      Object.values(outcome.skipped).reduce((a, b) => a + b, 0),
      4,
      JSON.stringify(outcome.skipped),
    );
    assert.ok(readOutputs(w.repo, 'garbage').devlog?.includes('a prompt after all of it'));
    assert.deepEqual(w.outside(), []);
  });

  it('a transcript that vanishes between runs: the next run says so; what was written stays', async () => {
    const w = world('vanish');
    const t = w.input('t.jsonl');
    copyFileSync(good, t);
    assert.equal((await w.run(t, '--keep-open')).code, 0);
    const before = readOutputs(w.repo, 'vanish').devlog;
    assert.ok(before);
    rmSync(t);
    const r = await w.run(t);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot open transcript .*ENOENT/);
    assert.equal(readOutputs(w.repo, 'vanish').devlog, before);
  });

  it('a repository whose .changelog is a symbolic link or a file: the window fails with a reason and is kept for a retry', async () => {
    for (const kind of ['symlink', 'file'] as const) {
      const w = world(`changelog-${kind}`);
      const elsewhere = join(w.dir, 'elsewhere');
      mkdirSync(elsewhere);
      if (kind === 'symlink') symlinkSync(elsewhere, join(w.repo, '.changelog'));
      else writeFileSync(join(w.repo, '.changelog'), 'not a folder\n');
      const t = w.input('t.jsonl');
      copyFileSync(good, t);
      const r = await w.run(t);
      assert.equal(r.code, 1, `${kind}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /FAILED\s+\S+\s+append: /, kind);
      assert.deepEqual(listFiles(elsewhere), [], `${kind}: nothing written through the link`);
      const rows = JSON.parse(
        execFileSync(process.execPath, [CLI, 'status', '--json', '--session', `changelog-${kind}`], {
          env: { ...process.env, SHIPLOG_HOME: w.state },
          encoding: 'utf8',
        }),
      ) as { failures: number }[];
      assert.equal(rows[0]?.failures, 1, `${kind}: the window is kept, failed, for a retry`);
    }
  });

  it('a transcript deleted while it is being read: the run either reads what it opened or says it is gone', async () => {
    const w = world('mid-read');
    const t = w.input('t.jsonl');
    const lines = readFileSync(good, 'utf8');
    writeFileSync(t, lines.repeat(400));
    const running = w.run(t, '--json');
    await new Promise((res) => setTimeout(res, 30));
    rmSync(t);
    const r = await running;
    if (r.code === 0) assert.ok(readOutputs(w.repo, 'mid-read').devlog, 'read through its open descriptor');
    else assert.match(r.stderr, /cannot open transcript .*ENOENT/);
    assert.deepEqual(w.outside(), []);
  });
});
