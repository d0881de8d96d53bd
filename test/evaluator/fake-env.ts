import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A bin folder holding the fake `claude` and `codex` (test/evaluator/fake-cli.mjs), and the env that finds them. */
export function fakeBin(root: string): string {
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  const src = join(dirname(fileURLToPath(import.meta.url)), 'fake-cli.mjs');
  for (const name of ['claude', 'codex']) copyFileSync(src, join(bin, name));
  return bin;
}

export interface FakeCall {
  name: string;
  mode: string;
  args: string[];
  cwd: string;
  stdin: string;
  env: { SHIPLOG_INTERNAL?: string; MAX_THINKING_TOKENS?: string; CODEX_HOME?: string };
  /** Names of the CLAUDE* variables it was given. */
  session: string[];
  codexHome: { f: string; mode: string; text: string }[] | null;
  schema: string | null;
}

export function fakeCalls(log: string): FakeCall[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FakeCall);
}

export function fakeEnv(root: string, mode: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${fakeBin(root)}:${process.env.PATH ?? ''}`,
    HOME: join(root, 'home'),
    FAKE_LOG: join(root, 'calls.jsonl'),
    FAKE_MODE: mode,
    ...extra,
  };
}
