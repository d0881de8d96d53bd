import { createLogger } from '../log.js';
import { stateDir } from '../paths.js';
import { workerMain } from './main.js';
import { routerMain } from './router.js';

// Started detached with stdio ignored: anything that escapes goes to the log file.
// `--inbox`: the router the sh hooks start; `<session id>`: that session's worker.
const arg = process.argv[2] ?? '';
(arg === '--inbox' ? routerMain() : workerMain(arg)).catch((err: unknown) => {
  createLogger(stateDir()).fatal({ err }, arg === '--inbox' ? 'router crashed' : 'worker crashed');
  process.exitCode = 1;
});
