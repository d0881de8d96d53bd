import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setEntryScript } from './entry-script.js';
import { CliError, UsageError } from './errors.js';

const HELP = `shiplog — records what Claude Code and Codex sessions did, as a devlog and a changelog.

Usage: shiplog <command> [options]

Commands:
  install                register shiplog with Claude Code and Codex (./install.sh runs it)
  uninstall              remove shiplog's hooks and notify entry again, and nothing else
  doctor                 check the wiring, the state and recent failures; says how to fix each
  status                 recent sessions: cursor, open window, entries, failures
  log                    print a repository's changelog entries readably
  flush                  close open windows of work now and write their entries
  sweep                  read sessions no hook told about (a killed client, hooks off)
  config show            every setting with its value and where it came from
  process <transcript>   run the pipeline on a transcript in the foreground
  backfill               run the pipeline over existing Claude Code and Codex sessions
  retry                  write the windows whose evaluation failed, now
  trust [<repo>]         let a repository's .shiplog.toml set more than output shape (--list, --revoke)
  help                   show this help

Options:
  -V, --version          print the version
  -h, --help             show this help

Run "shiplog <command> --help" for a command's options. Output goes to <repo>/.devlog/ and
<repo>/.changelog/<actor>/; state and logs to $SHIPLOG_HOME (default ~/.local/state/shiplog).

Exit status: 0 done; 1 a failure at run time (the message says what and how to fix it);
2 a usage error: an unknown command or option, a missing argument or a bad value.
`;

type Command = (argv: string[]) => Promise<number>;

// Each command's module is loaded only when that command runs: `shiplog status` need not load
// the pipeline, the installer or the evaluator, and a short run's cost is mostly module loading.
const COMMANDS: Record<string, () => Promise<Command>> = {
  process: async () => {
    // A long transcript is read by this command started again (./one-arena.ts): decided before
    // the pipeline's modules are loaded, which would otherwise be loaded twice.
    const { rerunWithOneArena } = await import('./one-arena.js');
    const { processTranscriptArg } = await import('./process-args.js');
    return async (argv) => {
      const file = processTranscriptArg(argv);
      const rerun = file === undefined ? null : rerunWithOneArena(resolve(file));
      return rerun ?? (await import('./process.js')).processCommand(argv);
    };
  },
  doctor: async () => (await import('./doctor.js')).doctorCommand,
  status: async () => (await import('./status.js')).statusCommand,
  flush: async () => (await import('./flush.js')).flushCommand,
  sweep: async () => (await import('./sweep.js')).sweepCommand,
  backfill: async () => (await import('./backfill.js')).backfillCommand,
  retry: async () => (await import('./retry.js')).retryCommand,
  trust: async () => (await import('./trust.js')).trustCommand,
  log: async () => {
    const { logCommand } = await import('./log.js');
    return (argv) => logCommand(argv);
  },
  config: async () => (await import('./config.js')).configCommand,
  install: async () => {
    const { installCommand } = await import('./install.js');
    return (argv) => installCommand(argv);
  },
  uninstall: async () => {
    const { installCommand } = await import('./install.js');
    return (argv) => installCommand(argv, true);
  },
};

export async function main(argv: string[], opts: { entryScript?: string } = {}): Promise<number> {
  if (opts.entryScript !== undefined) setEntryScript(opts.entryScript);
  const [cmd, ...rest] = argv;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === '--version' || cmd === '-V') {
    process.stdout.write(`shiplog ${version()}\n`);
    return 0;
  }
  if (!cmd) {
    process.stderr.write('shiplog: missing command.\n\n');
    process.stderr.write(HELP);
    return 2;
  }
  const load = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!load) {
    process.stderr.write(`shiplog: unknown command "${cmd}". Run "shiplog help" for the list.\n`);
    return 2;
  }
  try {
    const run = await load();
    return await run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`shiplog ${cmd}: ${err.message}\n${err.hint}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
    if (
      err instanceof TypeError &&
      'code' in err &&
      typeof err.code === 'string' &&
      err.code.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`shiplog ${cmd}: ${err.message}\nRun "shiplog ${cmd} --help" for the options.\n`);
      return 2;
    }
    throw err;
  }
}

/** The version in shiplog's own package.json (dist/src/cli → the checkout's root). */
function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string'
    ? pkg.version
    : 'unknown';
}
