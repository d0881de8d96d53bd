import { CliError } from './errors.js';
import { installCommand } from './install.js';
import { processCommand } from './process.js';

const HELP = `shiplog — records what Claude Code and Codex sessions did, as a devlog and a changelog.

Usage: shiplog <command> [options]

Commands:
  install                register shiplog's hooks with Claude Code
  uninstall              remove them again
  process <transcript>   run the pipeline on a transcript in the foreground
  help                   show this help

Run "shiplog <command> --help" for a command's options. Output goes to <repo>/.devlog/ and
<repo>/.changelog/<actor>/; state and logs to $SHIPLOG_HOME (default ~/.local/state/shiplog).
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  process: processCommand,
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
