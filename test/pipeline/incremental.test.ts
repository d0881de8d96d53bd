import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CLAUDE_CORPUS, cleanup, CODEX_CORPUS, CODEX_FIXTURES, defaultConfig, gitRepo, prng, readOutputs, runInProcess, tempDir } from '../helpers.js';

/**
 * Feeding a transcript in random chunks, cut mid-line and mid-UTF-8, with a run after each,
 * must give byte-identical devlog and entries to one run over the whole file.
 */
const CASES: { file: string; seed: number; chunks: number; granularity?: 'turn'; agent?: 'codex' }[] = [
  { file: join(CLAUDE_CORPUS, 'claude-code-viewer/5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl'), seed: 1, chunks: 40 },
  { file: join(CLAUDE_CORPUS, 'claude-code-viewer/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl'), seed: 2, chunks: 30 },
  { file: join(CLAUDE_CORPUS, 'spotter/tool_heavy.jsonl'), seed: 3, chunks: 25 },
  { file: join(CLAUDE_CORPUS, 'claude-reliability/python-to-rust-port.transcript.jsonl'), seed: 4, chunks: 25, granularity: 'turn' },
  { file: join(CLAUDE_CORPUS, 'spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl'), seed: 5, chunks: 30 },
  // Codex: paginated (0.169), legacy with long-running commands polled by write_stdin (0.125),
  // a Desktop session with compaction (0.104), and pre-envelope (0.20), turn by turn.
  { file: join(CODEX_FIXTURES, 'paginated-classic.jsonl'), seed: 6, chunks: 30, agent: 'codex' },
  { file: join(CODEX_CORPUS, 'codemie-code/rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl'), seed: 7, chunks: 40, agent: 'codex' },
  { file: join(CODEX_CORPUS, 'localpush/rollout-2026-02-23T12-54-34-019c8a59-e9dd-71f0-9ae3-4079fe9726a9.jsonl'), seed: 8, chunks: 40, agent: 'codex', granularity: 'turn' },
  { file: join(CODEX_FIXTURES, 'pre-envelope-0.20.jsonl'), seed: 9, chunks: 8, agent: 'codex' },
];

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

describe('incremental equivalence', () => {
  const root = tempDir();
  after(() => cleanup(root));

  for (const c of CASES) {
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
      const req = { sessionId, agent: c.agent ?? ('claude-code' as const), transcriptPath: transcript, repo, trigger: 'test' };

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
