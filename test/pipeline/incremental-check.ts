import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanup, defaultConfig, gitRepo, prng, readOutputs, runInProcess, tempDir } from '../helpers.js';

export interface IncrementalCase {
  file: string;
  seed: number;
  chunks: number;
  granularity?: 'turn';
  agent?: 'codex';
}

/** Cut points: random bytes, plus every position inside a few multi-byte UTF-8 sequences. */
function cutPoints(bytes: Buffer, n: number, rand: () => number): number[] {
  const cuts = new Set<number>();
  for (let i = 0; i < n; i++) cuts.add(1 + Math.floor(rand() * (bytes.length - 1)));
  let multibyte = 0;
  for (let i = 0; i < bytes.length && multibyte < 5; i++) {
    const b = bytes[i] as number;
    if (b >= 0xc0 && rand() < 0.05) {
      cuts.add(i + 1);
      multibyte++;
    }
  }
  return [...cuts].sort((a, b) => a - b);
}

/**
 * Feeding a transcript in random chunks, cut mid-line and mid-UTF-8, with a run after each,
 * must give byte-identical devlog and entries to one run over the whole file.
 */
export function describeIncremental(title: string, cases: IncrementalCase[]): void {
  describe(title, () => {
    const root = tempDir();
    after(() => cleanup(root));

    for (const c of cases) {
      it(`${c.file.split('/').slice(-2).join('/')} in random chunks${c.granularity ? ` (${c.granularity} granularity)` : ''}`, async () => {
        const src = c.file;
        const bytes = readFileSync(src);
        const dir = join(root, String(c.seed));
        const repo = join(dir, 'repo');
        gitRepo(repo);
        const projects = join(dir, 'projects');
        mkdirSync(projects);
        const transcript = join(projects, basename(src));
        const companion = join(dirname(src), basename(src, '.jsonl'));
        if (existsSync(companion)) cpSync(companion, join(projects, basename(src, '.jsonl')), { recursive: true });
        const sessionId = `s${c.seed}`;
        const config = defaultConfig({ granularity: c.granularity ?? 'session' });
        const req = {
          sessionId,
          agent: c.agent ?? ('claude-code' as const),
          transcriptPath: transcript,
          repo,
          trigger: 'test',
        };

        // One run over the whole file.
        writeFileSync(transcript, bytes);
        await runInProcess(join(dir, 'home-whole'), { ...req, close: 'end' }, config);
        const whole = readOutputs(repo, sessionId);
        assert.ok(whole.devlog);
        assert.notEqual(whole.entries, '');
        rmSync(join(repo, '.devlog'), { recursive: true });
        rmSync(join(repo, '.changelog'), { recursive: true });

        // The same bytes arriving in chunks, with a run after each.
        writeFileSync(transcript, '');
        let prev = 0;
        const cuts = cutPoints(bytes, c.chunks, prng(c.seed));
        for (const cut of [...cuts, bytes.length]) {
          appendFileSync(transcript, bytes.subarray(prev, cut));
          prev = cut;
          await runInProcess(join(dir, 'home-chunks'), { ...req, close: null }, config);
        }
        await runInProcess(join(dir, 'home-chunks'), { ...req, close: 'end' }, config);
        const chunked = readOutputs(repo, sessionId);
        assert.equal(chunked.devlog, whole.devlog);
        assert.equal(chunked.entries, whole.entries);
        assert.equal(chunked.failures, '');
      });
    }
  });
}
