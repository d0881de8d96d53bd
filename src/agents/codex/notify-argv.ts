import { hookScript, isHookCommand } from '../../install/hook-files.js';

/** Codex's `notify` program is an argv, not a command line; shiplog's runs the user's own after it. */

export const NOTIFY_SCRIPT = hookScript('codex-notify');

const isNotifyFile = (arg: string): boolean => isHookCommand('codex-notify', arg) && /\.(?:[cm]?js|sh)$/.test(arg);
export const isCodexNotify = (argv: readonly string[]): boolean => argv.slice(0, 2).some(isNotifyFile);
export const isCodexHook = (command: string): boolean => isHookCommand('codex', command);

/** Codex's `notify` argv for shiplog, before the user's own program (codex-notify.sh runs it first). */
export function notifyArgv(nodePath: string): string[] {
  return ['/bin/sh', NOTIFY_SCRIPT, nodePath];
}

/** The user's own notify program shiplog's notify runs first: what follows shiplog's part of the argv. */
export function chainedNotify(argv: string[] | null): string[] {
  if (!argv) return [];
  if (!isCodexNotify(argv)) return argv;
  // `node codex-notify.cjs …` (older installs) or `/bin/sh codex-notify.sh NODE …`.
  const at = argv.findIndex(isNotifyFile);
  return argv.slice(argv[at]?.endsWith('.sh') ? at + 2 : at + 1);
}
