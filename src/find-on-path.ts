import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The executable `name` as the shell would find it on `env.PATH`, or null. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder (or not executable): keep looking.
    }
  }
  return null;
}

/** Whether a client is on this machine: its program on PATH, or its own folder. */
export function clientPresence(
  program: string,
  dir: string,
  env: NodeJS.ProcessEnv,
): { present: boolean; binary: string | null } {
  const binary = findOnPath(program, env);
  return { present: binary !== null || existsSync(dir), binary };
}
