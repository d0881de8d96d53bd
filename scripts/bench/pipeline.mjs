// The product's pipeline, two ways: in this process through the compiled dist/ modules, and as
// the real `shiplog process` child process.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI, DIST, NODE, childEnv, expectOk, run, timeAsync } from './common.mjs';

let modules = null;

/** dist/ modules, imported only once the build is known to be current. */
async function dist() {
  const load = (p) => import(pathToFileURL(join(DIST, 'src', p)).href);
  modules ??= {
    pipeline: await load('worker/pipeline.js'),
    db: await load('state/db.js'),
    log: await load('log.js'),
    config: await load('config/session-config.js'),
  };
  return modules;
}

/**
 * One `runSession` in this process, timed on its own (opening the database, the logger and the
 * config are outside the timer: they are per-worker constants, not per-byte costs).
 */
export async function runInProcess({ home, transcript, repo, sessionId, keepOpen = true, agent = 'claude-code' }) {
  const m = await dist();
  const env = childEnv({ SHIPLOG_HOME: home });
  const { config } = m.config.configForSession(repo, env);
  const db = m.db.openDb(home);
  const log = m.log.createLogger(home, 'bench');
  try {
    const { ms, value } = await timeAsync(() =>
      m.pipeline.runSession(
        { stateDir: home, db, log, config },
        { sessionId, agent, transcriptPath: transcript, repo, trigger: 'bench', close: keepOpen ? null : 'process' },
      ),
    );
    return { ms, outcome: value };
  } finally {
    db.close();
    log.flush?.();
  }
}

/** `node bin/shiplog.mjs process …` as a child: the whole worker invocation, node start included. */
export async function runCli({ home, transcript, repo, sessionId, keepOpen = true, wrap = null, extraEnv = {} }) {
  const args = [
    CLI,
    'process',
    transcript,
    '--repo',
    repo,
    '--session',
    sessionId,
    '--json',
    ...(keepOpen ? ['--keep-open'] : []),
  ];
  const [cmd, argv] = wrap ? wrap(NODE, args) : [NODE, args];
  const r = expectOk(
    await run(cmd, argv, { env: childEnv({ SHIPLOG_HOME: home, ...extraEnv }) }),
    `shiplog process ${transcript}`,
  );
  return { ms: r.ms, outcome: JSON.parse(r.stdout), stderr: r.stderr };
}
