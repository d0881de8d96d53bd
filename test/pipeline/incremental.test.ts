import { join } from 'node:path';
import { claudeFixture } from '../claude-fixtures.js';
import { CODEX_FIXTURES } from '../helpers.js';
import { describeIncremental } from './incremental-check.js';

// Sessions recorded from the real clients: Claude Code print-mode turns resumed in one session (with
// a subagent and a /compact), a long tool-heavy session, an interactive session with an interrupt,
// turn by turn; Codex paginated (0.169, classic tools and code mode), legacy (0.140) and pre-envelope (0.20).
describeIncremental('incremental equivalence', [
  { file: claudeFixture('build'), seed: 1, chunks: 40 },
  { file: claudeFixture('long'), seed: 3, chunks: 40 },
  { file: claudeFixture('interactive'), seed: 4, chunks: 25, granularity: 'turn' },
  { file: claudeFixture('failures'), seed: 5, chunks: 20 },
  { file: join(CODEX_FIXTURES, 'paginated-classic.jsonl'), seed: 6, chunks: 30, agent: 'codex' },
  { file: join(CODEX_FIXTURES, 'paginated-code-mode.jsonl'), seed: 7, chunks: 30, agent: 'codex', granularity: 'turn' },
  { file: join(CODEX_FIXTURES, 'legacy-0.140.jsonl'), seed: 8, chunks: 30, agent: 'codex' },
  { file: join(CODEX_FIXTURES, 'pre-envelope-0.20.jsonl'), seed: 9, chunks: 8, agent: 'codex' },
]);
