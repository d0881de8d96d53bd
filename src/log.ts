import { mkdirSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { statePaths } from './paths.js';
import { createRedactor, redactDeep } from './redact/redact.js';

export type { Logger };

/** Log lines carry paths, commands and messages from transcripts: they are redacted like the outputs. */
const logRedactor = createRedactor();

/**
 * Logs go to a file in the state folder, never to the agent's terminal. Synchronous writes so a
 * worker that is killed or exits right after a line still leaves that line behind.
 */
export function createLogger(stateDir: string, name = 'worker'): Logger {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const dest = pino.destination({ dest: statePaths(stateDir).log, sync: true, mkdir: true, mode: 0o600 });
  return pino(
    {
      name,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a: unknown) => (typeof a === 'string' ? logRedactor.redact(a) : a instanceof Error ? a : redactDeep(a, logRedactor)));
          method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    dest,
  );
}
