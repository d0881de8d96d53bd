import { describeBackfillWorld } from '../backfill/backfill-world.js';
import { CLAUDE_CORPUS, CODEX_CORPUS } from './paths.js';

// The backfill checks of test/backfill/backfill.test.ts, over every transcript of the public corpus.
describeBackfillWorld('shiplog backfill over the whole corpus', { claude: CLAUDE_CORPUS, codex: CODEX_CORPUS });
