import { parseArgs } from 'node:util';
import { createLogger } from '../log.js';
import { stateDir } from '../paths.js';
import { busyTimeoutMs, openDb } from '../state/db.js';
import { configFor } from '../worker/main.js';
import { sweep } from '../worker/sweep.js';

export const SWEEP_HELP = `Usage: shiplog sweep

Reads the sessions no hook told shiplog about: a client killed mid-turn, a SessionEnd hook cut
short, a run with hooks turned off. Looks at sessions shiplog knows whose transcript grew since
it was last read, and at transcripts of Claude Code and Codex started since shiplog was installed
that no hook named (older ones are shiplog backfill's job). A transcript written to in the last
two minutes is left to its hooks; one quiet for longer than the idle time gets its entry.
Workers also sweep on their way out, at most once a minute; shiplog flush sweeps first.

Options:
  -h, --help     show this help
`;

export async function sweepCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    process.stdout.write(SWEEP_HELP);
    return 0;
  }
  const dir = stateDir();
  const db = openDb(dir);
  try {
    const report = await sweep(
      { dir, db, log: createLogger(dir, 'sweep'), env: process.env, configFor, busyMs: busyTimeoutMs() },
      { force: true },
    );
    for (const r of report.ran ?? [])
      process.stdout.write(`${r.session}  read by the sweep${r.closed ? '; its window closed (idle)' : ''}\n`);
    for (const s of report.skipped) process.stdout.write(`${s.session}  skipped: ${s.reason}\n`);
    for (const s of report.waiting) process.stdout.write(`${s.session}  not yet: ${s.reason}\n`);
    if ((report.ran ?? []).length === 0 && report.skipped.length === 0 && report.waiting.length === 0)
      process.stdout.write('Nothing to sweep: every session is read up to its last quiet byte.\n');
    return report.skipped.some((s) => s.reason !== 'the transcript names no working folder') ? 1 : 0;
  } finally {
    db.close();
  }
}
