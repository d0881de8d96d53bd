import { claudeTranscripts, codexRollouts } from '../helpers.js';
import { describeAdapterContract, subjects } from './adapter-contract.js';

for (const subject of subjects({ claude: claudeTranscripts(), codex: codexRollouts() }))
  describeAdapterContract('on sessions recorded from the real clients', subject);
