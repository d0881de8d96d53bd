import { join, resolve } from 'node:path';
import { ROOT } from '../helpers.js';

/**
 * The public corpus of real transcripts beside the repository. Only `*.corpus.ts` files read it
 * (`npm run test:corpus`, which sets SHIPLOG_CORPUS and says so when the folder is missing);
 * `npm test` must pass on a clone with nothing beside it.
 */
export const CORPUS = resolve(process.env.SHIPLOG_CORPUS || join(ROOT, '..', 'shared', 'corpus'));
export const CLAUDE_CORPUS = join(CORPUS, 'claude-code');
export const CODEX_CORPUS = join(CORPUS, 'codex');
