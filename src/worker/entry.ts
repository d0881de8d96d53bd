import { createLogger } from '../log.js';
import { stateDir } from '../paths.js';
import { workerMain } from './main.js';

// Started detached by a hook with stdio ignored: anything that escapes goes to the log file.
workerMain(process.argv[2] ?? '').catch((err: unknown) => {
  createLogger(stateDir()).fatal({ err }, 'worker crashed');
  process.exitCode = 1;
});
