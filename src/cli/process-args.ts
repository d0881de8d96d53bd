import { parseArgs } from 'node:util';

/** `shiplog process`'s options: read here before anything heavy is loaded (./one-arena.ts), and by the command. */
const PROCESS_OPTIONS = {
  repo: { type: 'string' },
  session: { type: 'string' },
  agent: { type: 'string' },
  'keep-open': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parseProcessArgs(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: PROCESS_OPTIONS });
}

/** The transcript a `shiplog process` command line names, or undefined when it is not a usable one (the command reports that). */
export function processTranscriptArg(argv: string[]): string | undefined {
  try {
    const { values, positionals } = parseProcessArgs(argv);
    return values.help || positionals.length !== 1 ? undefined : positionals[0];
  } catch {
    // An unknown option: the command itself reports it, with its usage line.
    return undefined;
  }
}
