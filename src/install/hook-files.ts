import { fileURLToPath } from 'node:url';

/**
 * Where this checkout's hook entrypoints are, and how to recognise the commands shiplog wrote
 * into an agent's config — also those of an older checkout at another path, so a reinstall from
 * a moved checkout replaces them instead of adding a second set.
 */
const HOOKS_DIR = fileURLToPath(new URL('../../../hooks/', import.meta.url));

export const hookFiles = {
  claude: `${HOOKS_DIR}claude-code.cjs`,
  codex: `${HOOKS_DIR}codex.cjs`,
  codexNotify: `${HOOKS_DIR}codex-notify.cjs`,
  worker: fileURLToPath(new URL('../worker/entry.js', import.meta.url)),
} as const;

export const isClaudeHook = (command: string): boolean => /\/hooks\/claude-code\.[cm]?js\b/.test(command);
export const isCodexHook = (command: string): boolean => /\/hooks\/codex\.[cm]?js\b/.test(command);
export const isCodexNotify = (argv: readonly string[]): boolean => argv.slice(0, 2).some((a) => /\/hooks\/codex-notify\.[cm]?js$/.test(a));

/** A command line for `sh -c`: absolute node and hook paths, so PATH (nvm, cron, a login shell) is irrelevant. */
export function hookCommand(nodePath: string, hookPath: string): string {
  return `${shQuote(nodePath)} ${shQuote(hookPath)}`;
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
