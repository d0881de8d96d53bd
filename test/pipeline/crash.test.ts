import { basename, dirname } from 'node:path';
import { claudeFixture } from '../claude-fixtures.js';
import { CODEX_FIXTURES } from '../helpers.js';
import { describeCrash } from './crash-check.js';

const build = claudeFixture('build');
describeCrash('crash safety', [
  // Resumed print-mode turns with a subagent transcript beside the main one, and a /compact.
  {
    agent: 'claude-code',
    session: basename(build, '.jsonl'),
    dir: dirname(build),
    file: basename(build),
    companion: basename(build, '.jsonl'),
  },
  // A paginated Codex 0.169 rollout: failing then passing test, patches and a commit.
  { agent: 'codex', session: 'paginated-classic', dir: CODEX_FIXTURES, file: 'paginated-classic.jsonl' },
]);
