import { homedir } from 'node:os';
import { join } from 'node:path';

/** Codex's own folder: $CODEX_HOME, else ~/.codex. */
export function codexHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CODEX_HOME || join(env.HOME || homedir(), '.codex');
}
