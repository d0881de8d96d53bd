import { parseArgs } from 'node:util';
import { runChecks, type Check } from '../doctor/checks.js';
import { stateDir } from '../paths.js';
import { startSweep } from '../worker/sweep-soon.js';

export const DOCTOR_HELP = `Usage: shiplog doctor [--json]

Checks that shiplog is wired up and working: node and the hook files, the hooks in each agent's
settings (and, for Codex, that they are trusted), the notify chain, the configuration, the state
database, when each agent's hooks last fired and the worker last ran, failed windows in the last
day, and that recent output folders are writable.

One line per check: ok, problem (with the fix on the next line) or info. Exit status 0 when
nothing is a problem, 1 otherwise. The checks only read; when no catch-up sweep ran in the last
minute and the state database is sound, doctor also starts one in the background (see shiplog
sweep).

Options:
  --json       print the checks as a JSON array of {key, status, message, fix?}
  -h, --help   show this help
`;

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    process.stdout.write(DOCTOR_HELP);
    return 0;
  }
  const checks = await runChecks({ env: process.env, stateDir: stateDir(), cwd: process.cwd(), now: new Date() });
  // Only on a sound state database: doctor leaves a damaged one as it is, for the worker to rebuild.
  if (checks.some((c) => c.key === 'state.db' && c.status === 'ok')) startSweep(stateDir(), process.env);
  process.stdout.write(values.json ? `${JSON.stringify(checks, null, 2)}\n` : render(checks));
  return checks.some((c) => c.status === 'problem') ? 1 : 0;
}

function render(checks: Check[]): string {
  const width = Math.max(...checks.map((c) => c.key.length));
  const lines = checks.flatMap((c) => {
    const line = `${c.status.padEnd(7)} ${c.key.padEnd(width)}  ${c.message}`;
    return c.fix ? [line, `${' '.repeat(8 + width)}  fix: ${c.fix}`] : [line];
  });
  const problems = checks.filter((c) => c.status === 'problem').length;
  lines.push(problems === 0 ? 'all ok' : `${problems} problem(s)`);
  return `${lines.join('\n')}\n`;
}
