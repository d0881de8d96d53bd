import { describeAdapterContract, subjects } from '../adapters/adapter-contract.js';
import { claudeTranscripts, codexRollouts } from '../helpers.js';
import { CLAUDE_CORPUS, CODEX_CORPUS } from './paths.js';

for (const subject of subjects({ claude: claudeTranscripts(CLAUDE_CORPUS), codex: codexRollouts(CODEX_CORPUS) }))
  describeAdapterContract('on the public corpus', subject);
