import { homedir } from 'node:os';
import { join } from 'node:path';

/** Gemini CLI's own folder: `.gemini` in $GEMINI_CLI_HOME, else in the home folder. */
export function geminiDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.GEMINI_CLI_HOME || env.HOME || homedir(), '.gemini');
}
