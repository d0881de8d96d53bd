import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import type pinoModule from 'pino';
import type { LogFn, Logger as PinoLogger } from 'pino';
import { statePaths } from './paths.js';
import { createRedactor, redactDeep, type Redactor } from './redact/redact.js';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** What shiplog logs through: pino's methods, nothing else of it. */
export type Logger = Record<Level, LogFn>;

// pino and the redaction rules are loaded when the first line is logged: most short commands
// (`shiplog status`, a `process` run that goes well) log nothing, and loading them was a fifth
// of such a run's CPU time.
const requireCjs = createRequire(import.meta.url);
let pinoLib: typeof pinoModule | undefined;
/** Log lines carry paths, commands and messages from transcripts: they are redacted like the outputs. */
let logRedactor: Redactor | undefined;

/**
 * Logs go to a file in the state folder, never to the agent's terminal. Synchronous writes so a
 * worker that is killed or exits right after a line still leaves that line behind. The file is
 * created here, as before its logger is first used.
 */
export function createLogger(stateDir: string, name = 'worker'): Logger {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = statePaths(stateDir).log;
  closeSync(openSync(file, 'a', 0o600));
  let logger: PinoLogger | undefined;
  const real = (): PinoLogger => (logger ??= openLogger(file, name));
  const method =
    (level: Level): LogFn =>
    (...args: unknown[]) => {
      const l = real();
      Reflect.apply(l[level], l, args);
    };
  return {
    fatal: method('fatal'),
    error: method('error'),
    warn: method('warn'),
    info: method('info'),
    debug: method('debug'),
    trace: method('trace'),
  };
}

function openLogger(file: string, name: string): PinoLogger {
  pinoLib ??= requireCjs('pino') as typeof pinoModule;
  logRedactor ??= createRedactor();
  const pino = pinoLib;
  const redactor = logRedactor;
  const dest = pino.destination({ dest: file, sync: true, mkdir: true, mode: 0o600 });
  return pino(
    {
      name,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a: unknown) =>
            typeof a === 'string' ? redactor.redact(a) : a instanceof Error ? a : redactDeep(a, redactor),
          );
          method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    dest,
  );
}
