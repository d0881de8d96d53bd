import { join } from 'node:path';
import { describeCrash } from '../pipeline/crash-check.js';
import { CLAUDE_CORPUS, CODEX_CORPUS } from './paths.js';

describeCrash('crash safety on the public corpus', [
  {
    agent: 'claude-code',
    session: '4d5611e5-241a-462a-8d15-5122611a9569',
    dir: join(CLAUDE_CORPUS, 'spotter'),
    file: '4d5611e5-241a-462a-8d15-5122611a9569.jsonl',
    companion: '4d5611e5-241a-462a-8d15-5122611a9569',
  },
  // A Codex TUI rollout with long-running commands finished through write_stdin polls.
  {
    agent: 'codex',
    session: '019e1625-789d-76c0-80ab-3724b5ddb799',
    dir: join(CODEX_CORPUS, 'codemie-code'),
    file: 'rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl',
  },
]);
