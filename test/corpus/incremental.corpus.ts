import { join } from 'node:path';
import { describeIncremental } from '../pipeline/incremental-check.js';
import { CLAUDE_CORPUS, CODEX_CORPUS } from './paths.js';

describeIncremental('incremental equivalence on the public corpus', [
  { file: join(CLAUDE_CORPUS, 'claude-code-viewer/5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl'), seed: 1, chunks: 40 },
  { file: join(CLAUDE_CORPUS, 'claude-code-viewer/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl'), seed: 2, chunks: 30 },
  { file: join(CLAUDE_CORPUS, 'spotter/tool_heavy.jsonl'), seed: 3, chunks: 25 },
  {
    file: join(CLAUDE_CORPUS, 'claude-reliability/python-to-rust-port.transcript.jsonl'),
    seed: 4,
    chunks: 25,
    granularity: 'turn',
  },
  { file: join(CLAUDE_CORPUS, 'spotter/4d5611e5-241a-462a-8d15-5122611a9569.jsonl'), seed: 5, chunks: 30 },
  // Codex: legacy with long-running commands polled by write_stdin (0.125), and a Desktop session
  // with compaction (0.104), turn by turn.
  {
    file: join(CODEX_CORPUS, 'codemie-code/rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl'),
    seed: 7,
    chunks: 40,
    agent: 'codex',
  },
  {
    file: join(CODEX_CORPUS, 'localpush/rollout-2026-02-23T12-54-34-019c8a59-e9dd-71f0-9ae3-4079fe9726a9.jsonl'),
    seed: 8,
    chunks: 40,
    agent: 'codex',
    granularity: 'turn',
  },
]);
