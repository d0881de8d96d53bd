import { createLogger } from '../log.js';
import { stateDir } from '../paths.js';

// Started detached with stdio ignored: anything that escapes goes to the log file.
// `--inbox`: the router the sh hooks start; `--sweep`: the sweep status and doctor start;
// `<session id>`: that session's worker. Each loads only its own modules: the router, started
// by a hook whenever none is alive, needs neither the pipeline nor the sweep.
const arg = process.argv[2] ?? '';
const role = arg === '--inbox' ? 'router' : arg === '--sweep' ? 'sweep' : 'worker';

async function run(): Promise<void> {
  if (role === 'router') return (await import('./router.js')).routerMain();
  if (role === 'sweep') return (await import('./sweep-main.js')).sweepMain();
  return (await import('./main.js')).workerMain(arg);
}

run().catch((err: unknown) => {
  createLogger(stateDir()).fatal({ err }, `${role} crashed`);
  process.exitCode = 1;
});
