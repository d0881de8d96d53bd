import { existsSync } from 'node:fs';
import { commandPaths } from '../install/hook-files.js';

/**
 * One `shiplog doctor` finding. Each check has a stable key (scripts grep for it), a status and,
 * for a problem, the command or edit that fixes it. Checks read; they never change anything.
 */
export interface Check {
  key: string;
  status: 'ok' | 'problem' | 'info';
  message: string;
  fix?: string;
}

export interface DoctorContext {
  env: NodeJS.ProcessEnv;
  stateDir: string;
  cwd: string;
  now: Date;
}

export const ok = (key: string, message: string): Check => ({ key, status: 'ok', message });
export const info = (key: string, message: string): Check => ({ key, status: 'info', message });
export const problem = (key: string, message: string, fix: string): Check => ({ key, status: 'problem', message, fix });
export const REINSTALL = 'run ./install.sh in the shiplog checkout (or: shiplog install)';

/** Paths a hook command names that are gone (a moved checkout, a removed node). */
export function missingPaths(command: string): string[] {
  return commandPaths(command).filter((p) => !existsSync(p));
}
