import { fileURLToPath } from 'node:url';

/**
 * Where this checkout's hook entrypoints are, and how to recognise the commands shiplog wrote
 * into an agent's config — also those of an older checkout at another path, so a reinstall from
 * a moved checkout replaces them instead of adding a second set.
 */
const HOOKS_DIR = fileURLToPath(new URL('../../../hooks/', import.meta.url));

/** The hook script `hooks/<name>.sh` of this checkout. */
export const hookScript = (name: string): string => `${HOOKS_DIR}${name}.sh`;

/** The worker every hook hands its payload to (through hooks/lib/deliver.sh). */
export const workerEntry = fileURLToPath(new URL('../worker/entry.js', import.meta.url));

/**
 * Whether a command is shiplog's hook `name`: the sh script, or the node entrypoint (`.cjs`) of
 * installs before the sh hooks, from any checkout (a reinstall replaces them). `name` is one of
 * the registry's fixed script names, never text from a file.
 */
export function isHookCommand(name: string, command: string): boolean {
  return new RegExp(`/hooks/${name.replace(/[^a-z-]/g, '')}\\.(?:[cm]?js|sh)\\b`).test(command);
}

/**
 * A command line for `sh -c`: the hook run by /bin/sh (so a checkout that lost its executable
 * bits still works), with the absolute node path it starts the router with, so PATH (nvm, cron,
 * a login shell) is irrelevant.
 */
export function hookCommand(nodePath: string, hookPath: string): string {
  return `/bin/sh ${shQuote(hookPath)} ${shQuote(nodePath)}`;
}

function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The programs a hook command names, for checking they still exist (a moved checkout, an upgraded node). */
export function commandPaths(command: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (let m = re.exec(command); m; m = re.exec(command))
    out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] as string));
  return out.filter((p) => p.startsWith('/'));
}
