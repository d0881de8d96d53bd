import { createLogger } from '../log.js';
import { stateDir } from '../paths.js';
import { workerMain } from './main.js';
import { routerMain } from './router.js';
import { sweepMain } from './sweep-main.js';

// Started detached with stdio ignored: anything that escapes goes to the log file.
// `--inbox`: the router the sh hooks start; `--sweep`: the sweep status and doctor start;
// `<session id>`: that session's worker.
const arg = process.argv[2] ?? '';
const role = arg === '--inbox' ? 'router' : arg === '--sweep' ? 'sweep' : 'worker';
(role === 'router' ? routerMain() : role === 'sweep' ? sweepMain() : workerMain(arg)).catch((err: unknown) => {
  createLogger(stateDir()).fatal({ err }, `${role} crashed`);
  process.exitCode = 1;
});
