import { backfillCommand } from './backfill.js';
import { configCommand } from './config.js';
import { doctorCommand } from './doctor.js';
import { CliError } from './errors.js';
import { flushCommand } from './flush.js';
import { installCommand } from './install.js';
import { logCommand } from './log.js';
import { processCommand } from './process.js';
import { retryCommand } from './retry.js';
import { statusCommand } from './status.js';
import { trustCommand } from './trust.js';

const HELP = `shiplog — records what Claude Code and Codex sessions did, as a devlog and a changelog.

Usage: shiplog <command> [options]

Commands:
  install                register shiplog with Claude Code and Codex (./install.sh runs it)
  uninstall              remove shiplog's hooks and notify entry again, and nothing else
  doctor                 check the wiring, the state and recent failures; says how to fix each
  status                 recent sessions: cursor, open window, entries, failures
  log                    print a repository's changelog entries readably
  flush                  close open windows of work now and write their entries
  config show            every setting with its value and where it came from
  process <transcript>   run the pipeline on a transcript in the foreground
  backfill               run the pipeline over existing Claude Code and Codex sessions
  retry                  write the windows whose evaluation failed, now
  trust [<repo>]         let a repository's .shiplog.toml set more than output shape (--list, --revoke)
  help                   show this help

Run "shiplog <command> --help" for a command's options. Output goes to <repo>/.devlog/ and
<repo>/.changelog/<actor>/; state and logs to $SHIPLOG_HOME (default ~/.local/state/shiplog).
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  process: processCommand,
  doctor: doctorCommand,
  status: statusCommand,
  flush: flushCommand,
  backfill: backfillCommand,
  retry: retryCommand,
  trust: trustCommand,
  log: (argv) => logCommand(argv),
  config: configCommand,
  install: (argv) => installCommand(argv),
  uninstall: (argv) => installCommand(argv, true),
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(HELP);
    return cmd ? 0 : 1;
  }
  const run = COMMANDS[cmd];
  if (!run) {
    process.stderr.write(`shiplog: unknown command "${cmd}". Run "shiplog help" for the list.\n`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`shiplog ${cmd}: ${err.message}\n${err.hint}\n`);
      return 1;
    }
    if (err instanceof TypeError && 'code' in err && typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`shiplog ${cmd}: ${err.message}\nRun "shiplog ${cmd} --help" for the options.\n`);
      return 2;
    }
    throw err;
  }
}
