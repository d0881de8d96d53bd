import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cleanup, ROOT, tempDir } from '../helpers.js';

const CHILD = join(ROOT, 'test', 'hostile', 'append-child.mjs');

interface Child {
  proc: ChildProcessWithoutNullStreams;
  lines: string[];
  /** Resolves with the first of `words` the child prints, or 'exit' when it ends first. */
  until(...words: string[]): Promise<string>;
  exited: Promise<number | null>;
}

function child(args: object): Child {
  const proc = spawn(process.execPath, [CHILD, JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  let buf = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters) w();
  });
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      if (code !== 0 && stderr) process.stderr.write(stderr);
      resolve(code);
      for (const w of waiters) w();
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  const until = (...words: string[]) =>
    new Promise<string>((resolve) => {
      const check = () => {
        const hit = lines.find((l) => words.includes(l));
        if (hit) resolve(hit);
        else if (done || proc.exitCode !== null) resolve('exit');
      };
      waiters.push(check);
      check();
    });
  return { proc, lines, until, exited };
}

/**
 * Finding 3: a writer frozen while it holds the append lock (suspend, container pause, swap,
 * SIGSTOP) must neither lose its lock to the others nor, once thawed, write over what they
 * appended meanwhile. The others wait for it; every entry lands whole, exactly once.
 */
it('a writer stopped mid-append keeps its lock; after SIGCONT all 4 entries are there once, every line JSON', async () => {
  const root = tempDir();
  const kids: Child[] = [];
  after(() => {
    for (const k of kids) if (k.proc.exitCode === null && k.proc.signalCode === null) k.proc.kill('SIGKILL');
    cleanup(root);
  });
  const dir = join(root, 'repo', '.changelog', 'me');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'entries.jsonl');
  const lockDir = join(root, 'state', 'append-locks');

  const holder = child({ file, runId: 'stalled', lockDir, mode: 'stall' });
  kids.push(holder);
  assert.equal(await holder.until('stopping'), 'stopping');

  const writers = ['w1', 'w2', 'w3'].map((runId) => child({ file, runId, lockDir, mode: 'append' }));
  kids.push(...writers);
  // Each writer either reports that it waits for the lock, or (an appender that judges the lock
  // by its age) takes it over and finishes. Only then is the stalled writer let go.
  const seen = await Promise.all(writers.map((w) => w.until('waiting')));
  holder.proc.kill('SIGCONT');
  const codes = await Promise.all([holder, ...writers].map((k) => k.exited));
  assert.deepEqual(codes, [0, 0, 0, 0], `exit codes; writers saw ${seen.join(',')}`);

  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines.pop(), '', 'the file ends with a newline');
  const ids = lines.map((l) => {
    const parsed: unknown = JSON.parse(l);
    assert.ok(parsed !== null && typeof parsed === 'object' && 'run_id' in parsed, `a whole entry: ${l}`);
    return String(parsed.run_id);
  });
  assert.deepEqual([...ids].sort(), ['stalled', 'w1', 'w2', 'w3']);
  assert.equal(ids[0], 'stalled', 'the stalled writer held the lock, so its entry is first');
  assert.deepEqual(seen, ['waiting', 'waiting', 'waiting'], 'every other writer waited for the live holder');
});
