import { fileURLToPath } from 'node:url';

/**
 * Where this checkout's hook entrypoints are, and how to recognise the commands shiplog wrote
 * into an agent's config — also those of an older checkout at another path, so a reinstall from
 * a moved checkout replaces them instead of adding a second set.
 */
const HOOKS_DIR = fileURLToPath(new URL('../../../hooks/', import.meta.url));

export const hookFiles = {
  claude: `${HOOKS_DIR}claude-code.sh`,
  codex: `${HOOKS_DIR}codex.sh`,
  codexNotify: `${HOOKS_DIR}codex-notify.sh`,
  worker: fileURLToPath(new URL('../worker/entry.js', import.meta.url)),
} as const;

// The node entrypoints (`.cjs`) of installs before the sh hooks are ours too: a reinstall replaces them.
export const isClaudeHook = (command: string): boolean => /\/hooks\/claude-code\.(?:[cm]?js|sh)\b/.test(command);
export const isCodexHook = (command: string): boolean => /\/hooks\/codex\.(?:[cm]?js|sh)\b/.test(command);
const NOTIFY_FILE = /\/hooks\/codex-notify\.(?:[cm]?js|sh)$/;
export const isCodexNotify = (argv: readonly string[]): boolean => argv.slice(0, 2).some((a) => NOTIFY_FILE.test(a));

/**
 * A command line for `sh -c`: the hook run by /bin/sh (so a checkout that lost its executable
 * bits still works), with the absolute node path it starts the router with, so PATH (nvm, cron,
 * a login shell) is irrelevant.
 */
export function hookCommand(nodePath: string, hookPath: string): string {
  return `/bin/sh ${shQuote(hookPath)} ${shQuote(nodePath)}`;
}

/** Codex's `notify` argv for shiplog, before the user's own program (codex-notify.sh runs it first). */
export function notifyArgv(nodePath: string): string[] {
  return ['/bin/sh', hookFiles.codexNotify, nodePath];
}

/** The user's own notify program shiplog's notify runs first: what follows shiplog's part of the argv. */
export function chainedNotify(argv: string[] | null): string[] {
  if (!argv) return [];
  if (!isCodexNotify(argv)) return argv;
  // `node codex-notify.cjs …` (older installs) or `/bin/sh codex-notify.sh NODE …`.
  const at = argv.findIndex((a) => NOTIFY_FILE.test(a));
  return argv.slice(argv[at]?.endsWith('.sh') ? at + 2 : at + 1);
}

export function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The programs a hook command names, for checking they still exist (a moved checkout, an upgraded node). */
export function commandPaths(command: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (let m = re.exec(command); m; m = re.exec(command)) out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] as string));
  return out.filter((p) => p.startsWith('/'));
}
