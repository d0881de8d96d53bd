import { parseArgs } from 'node:util';
import type { AgentSetup } from '../agents/agent.js';
import { agentSetups as setups } from '../agents/registry.js';
import { UsageError } from './errors.js';
import { stateDir } from '../paths.js';
import { openDb } from '../state/db.js';
import { getMeta, setMeta } from '../state/meta.js';
import { wordList } from '../word-list.js';

function help(all: { setup: AgentSetup }[]): string {
  const flags = all.map((s) => `[--${s.setup.flag}]`).join(' ');
  return `Usage: shiplog install ${flags} [--scope user|project] [--notify]
       shiplog uninstall ${flags} [--scope user|project]

Registers shiplog with the coding agents on this machine, so every session records itself.
Without an agent flag: each agent that is installed (on PATH) or has its config folder.

${all.map((s) => s.setup.help).join('\n')}

Every other setting, comment and hook is kept; the previous file is saved as
<file>.shiplog.bak and the new one written atomically. Running it again changes nothing.
uninstall removes shiplog's entries and nothing else, and gives notify back to your program.

Options:
  ${all.map((s) => `--${s.setup.flag}`).join(', ')}   only these agents (installs even if the agent is not found)
  --scope user|project   user-wide (default) or for the repository in the current folder
  --notify               Codex: also install the notify program next to the hooks
  -h, --help             show this help
`;
}

export async function installCommand(argv: string[], uninstall = false): Promise<number> {
  const all = await setups();
  const flags = Object.fromEntries(all.map((s) => [s.setup.flag, { type: 'boolean' as const, default: false }]));
  const { values } = parseArgs({
    args: argv,
    options: {
      ...flags,
      scope: { type: 'string', default: 'user' },
      notify: { type: 'boolean', default: false },
      uninstall: { type: 'boolean', default: uninstall },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(help(all));
    return 0;
  }
  const scope = values.scope;
  if (scope !== 'user' && scope !== 'project')
    throw new UsageError(`unknown scope "${scope}"`, 'Use --scope user or --scope project.');
  const named = all.filter((s) => (values as Record<string, unknown>)[s.setup.flag] === true);
  const env = process.env;
  // Uninstall without a flag removes shiplog from every agent, found or not; install wires those found.
  const chosen =
    named.length > 0 ? named : values.uninstall === true ? all : all.filter((s) => s.setup.present(env).present);
  if (chosen.length === 0) {
    const names = wordList(
      all.map((s) => s.agent.label),
      'or',
    );
    process.stdout.write(
      `No ${names} found (none on PATH, no config folder); nothing to register.\n` +
        `Run "shiplog install" again once one is installed, or name one: shiplog install ${all.map((s) => `--${s.setup.flag}`).join(' / ')}.\n`,
    );
    return 0;
  }
  for (const { setup } of chosen) {
    const lines =
      values.uninstall === true
        ? setup.uninstall({ scope, env })
        : await setup.install({
            scope,
            node: process.execPath,
            notify: values.notify === true,
            binary: setup.present(env).binary,
            env,
          });
    for (const line of lines) process.stdout.write(`${line}\n`);
  }
  if (values.uninstall !== true) recordInstallTime();
  return 0;
}

/**
 * The sweep reads sessions no hook told about only from here on (older ones are backfill's job).
 * The first install's time stays: installing again must not hide the sessions in between.
 */
function recordInstallTime(): void {
  const db = openDb(stateDir());
  try {
    if (getMeta(db, 'installed_at') === null) setMeta(db, 'installed_at', new Date().toISOString());
  } finally {
    db.close();
  }
}
