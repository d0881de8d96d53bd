import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ChangelogEntry } from '../changelog/schema.js';
import { isErrno } from '../kit/errno.js';
import { repoRoot } from '../git.js';
import { CliError, UsageError } from './errors.js';
import { printable, printableJson } from './terminal-text.js';

const LOG_HELP = `Usage: shiplog log [--since WHEN] [--repo DIR] [--actor NAME] [--json]

Prints the changelog entries of a repository, oldest first: when, which agent and session,
the summary, the bullets, the files created / modified / deleted / moved, the tests with their
results, and the commits. Reads <repo>/.changelog/<actor>/entries.jsonl for every actor.

Options:
  --since WHEN   only entries that ended after WHEN: an ISO date or time (2026-11-20,
                 2026-11-20T14:00Z) or an age: 30m, 12h, 7d, 2w
  --repo DIR     the repository (default: the git top level of the current folder)
  --actor NAME   only this actor's entries
  --json         print the entries as JSON lines, as stored
  -h, --help     show this help
`;

export async function logCommand(argv: string[], now = new Date()): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      since: { type: 'string' },
      repo: { type: 'string' },
      actor: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(LOG_HELP);
    return 0;
  }
  const since = values.since === undefined ? null : parseSince(values.since, now);
  const repo = values.repo ? resolve(values.repo) : await repoRoot(process.cwd());
  const dir = join(repo, '.changelog');
  let actors: string[];
  try {
    actors = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT')
      throw new CliError(
        `no changelog in ${repo} (${dir} does not exist)`,
        'Entries appear after a session in this repository ends; use --repo DIR for another repository.',
      );
    throw err;
  }
  const entries: ChangelogEntry[] = [];
  for (const actor of actors) {
    if (values.actor && actor !== values.actor) continue;
    entries.push(...readEntries(join(dir, actor, 'entries.jsonl')));
  }
  const shown = entries
    .filter((e) => since === null || Date.parse(e.end) >= since.getTime())
    .sort((a, b) => Date.parse(a.end) - Date.parse(b.end));
  if (values.json) process.stdout.write(shown.map((e) => `${printableJson(e)}\n`).join(''));
  else if (shown.length === 0)
    process.stdout.write(printable(`No entries${since ? ` since ${since.toISOString()}` : ''} in ${dir}.\n`));
  else process.stdout.write(printable(shown.map(render).join('\n')));
  return 0;
}

function readEntries(file: string): ChangelogEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return [];
    throw err;
  }
  const out: ChangelogEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      process.stderr.write(printable(`shiplog log: ${file}:${i + 1} is not JSON; skipped\n`));
      return;
    }
    const entry = ChangelogEntry.safeParse(parsed);
    if (entry.success) out.push(entry.data);
    else
      process.stderr.write(
        printable(
          `shiplog log: ${file}:${i + 1} is not a changelog entry (${entry.error.issues[0]?.path.join('.')}: ${entry.error.issues[0]?.message}); skipped\n`,
        ),
      );
  });
  return out;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function parseSince(raw: string, now: Date): Date {
  const rel = /^(\d+)\s*([mhdw])$/.exec(raw.trim());
  if (rel) return new Date(now.getTime() - Number(rel[1]) * (UNITS[rel[2] as string] ?? 0));
  if (/^\d{4}-\d{2}-\d{2}/.test(raw)) {
    const t = Date.parse(raw);
    if (Number.isFinite(t)) return new Date(t);
  }
  throw new UsageError(
    `cannot read --since "${raw}"`,
    'Give an ISO date or time (2026-11-20, 2026-11-20T14:00Z) or an age such as 30m, 12h, 7d, 2w.',
  );
}

function render(e: ChangelogEntry): string {
  const lines = [
    `${e.end.slice(0, 16).replace('T', ' ')}  ${e.tool}  ${e.actor}  ${e.label}`,
    `  session ${e.transcript.session_id}  run ${e.run_id}`,
    `  ${e.summary}`,
  ];
  for (const b of e.bullets) lines.push(`  - ${b}`);
  const f = e.touched_files;
  const files = [
    ...f.created.map((p) => `+${p}`),
    ...f.modified.map((p) => `~${p}`),
    ...f.deleted.map((p) => `-${p}`),
    ...f.moved.map((m) => `${m.from} → ${m.to}`),
  ];
  if (files.length > 0) lines.push(`  files:   ${files.join('  ')}`);
  if (e.tests.length > 0) lines.push(`  tests:   ${e.tests.map((t) => `${t.result} ${t.cmd}`).join('; ')}`);
  if (e.commits.length > 0)
    lines.push(`  commits: ${e.commits.map((c) => `${c.hash.slice(0, 10)} ${c.message}`).join('; ')}`);
  return `${lines.join('\n')}\n`;
}
