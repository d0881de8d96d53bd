/**
 * The script this process was started from, when it is bin/shiplog.mjs (set by it through
 * main()): a command that must start itself again (./one-arena.ts) can do so only then, and not
 * when a test calls it in-process. Kept apart so that every command's start does not load more.
 */
let entryScript: string | undefined;

export function setEntryScript(path: string): void {
  entryScript = path;
}

export function getEntryScript(): string | undefined {
  return entryScript;
}
