import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readRepoFile } from '../config/repo-file.js';
import { REPO_ALLOWED_KEYS } from '../config/repo-keys.js';
import { configForSession } from '../config/session-config.js';
import {
  readTrustStore,
  trustKey,
  trustStorePath,
  TrustStoreError,
  writeTrustStore,
  type TrustStore,
} from '../config/trust.js';
import { repoRoot } from '../git.js';
import { CliError, UsageError } from './errors.js';

export const TRUST_HELP = `Usage: shiplog trust [<repo>]
       shiplog trust --list
       shiplog trust --revoke <repo>

A repository's .shiplog.toml is written by whoever wrote the repository, so on its own it may
set only what shapes the output:
  ${[...REPO_ALLOWED_KEYS].join(', ')}
Every other key (the evaluator and its model or codex_config, timeouts, redact.allow and
redact.extra, commit, tail, worker, stop) is ignored, and "shiplog doctor" and
"shiplog config show" list what was refused. Those keys can run programs, send your sessions
elsewhere or let secrets through, so read the file first.

shiplog trust records the sha256 of the repository's .shiplog.toml as it is now (<repo> is any
folder in the repository, default the current one) in trusted-repos.json in the state folder
($SHIPLOG_HOME, default ~/.local/state/shiplog), never in the repository; every key in that
exact file then applies. Any change to the file untrusts it again, until you review it and
run shiplog trust once more.

Options:
  --list            the trusted repositories, with the hash trusted and whether the file
                    still has it (current, changed, or gone)
  --revoke <repo>   forget the trust given to that repository
  -h, --help        show this help
`;

export async function trustCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      list: { type: 'boolean', default: false },
      revoke: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(TRUST_HELP);
    return 0;
  }
  const modes = [values.list, values.revoke !== undefined, positionals.length > 0].filter(Boolean).length;
  if (modes > 1 || positionals.length > 1)
    throw new UsageError(
      'give one repository, or --list, or --revoke <repo>',
      'Run "shiplog trust --help" for the usage.',
    );
  if (values.list) return list();
  if (values.revoke !== undefined) return revoke(values.revoke);
  return trust(positionals[0] ?? process.cwd());
}

/** Trusts the file the worker reads for sessions in `dir`'s repository (session-config.ts). */
async function trust(dir: string): Promise<number> {
  const top = await repoRoot(resolve(dir));
  const loaded = configForSession(top);
  const repo = loaded.repo;
  const file = repo?.file ?? `${top}/.shiplog.toml`;
  if (!repo || repo.sha256 === null) {
    const read = readRepoFile(top);
    if (read.kind === 'refused')
      throw new CliError(`${read.path} ${read.reason}`, 'Only a regular file in the repository can be trusted.');
    throw new CliError(
      `no .shiplog.toml in ${top}`,
      'Nothing to trust: without one, the repository uses your own settings.',
    );
  }
  const broken = loaded.problems.filter((p) => p.file === file && !p.refused);
  if (broken.length > 0)
    throw new CliError(
      `${file} has problems: ${broken.map((p) => `${p.key ? `${p.key}: ` : ''}${p.message}`).join('; ')}`,
      `Fix the file first ("shiplog config show --repo ${top}"), then run shiplog trust again.`,
    );
  const gained = loaded.problems.filter((p) => p.file === file && p.refused);
  const store = readStore();
  store.repos[trustKey(top)] = { sha256: repo.sha256, trusted_at: new Date().toISOString() };
  writeTrustStore(store);
  const lines = [`trusted ${file} (sha256 ${repo.sha256.slice(0, 12)}…)`];
  if (repo.trusted) lines.push('it was already trusted as it is');
  else if (gained.length === 0)
    lines.push('nothing in it needed trust; its other keys will apply once added (until then, an edit untrusts it)');
  else {
    lines.push(`it may now set: ${gained.map((p) => p.key).join(', ')}`);
    for (const p of gained) lines.push(`  ${p.key} = ${JSON.stringify(p.value)}`);
  }
  lines.push('Any change to the file untrusts it again.');
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function list(): number {
  const entries = Object.entries(readStore().repos).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) {
    process.stdout.write('no trusted repository\n');
    return 0;
  }
  const width = Math.max(...entries.map(([top]) => top.length));
  for (const [top, t] of entries) {
    const read = readRepoFile(top);
    const state =
      read.kind === 'absent' ? 'gone' : read.kind === 'read' && read.sha256 === t.sha256 ? 'current' : 'changed';
    process.stdout.write(`${top.padEnd(width)}  ${t.sha256.slice(0, 12)}  ${t.trusted_at}  ${state}\n`);
  }
  return 0;
}

async function revoke(dir: string): Promise<number> {
  const top = await repoRoot(resolve(dir));
  const store = readStore();
  // A removed checkout has no real path any more; it was recorded under the one it had.
  const key = [trustKey(top), resolve(dir)].find((k) => store.repos[k] !== undefined);
  if (key === undefined)
    throw new CliError(`${top} is not trusted`, 'Run "shiplog trust --list" for the trusted repositories.');
  delete store.repos[key];
  writeTrustStore(store);
  process.stdout.write(
    `${top} is no longer trusted: its .shiplog.toml sets only ${[...REPO_ALLOWED_KEYS].join(', ')} again\n`,
  );
  return 0;
}

function readStore(): TrustStore {
  try {
    return readTrustStore();
  } catch (err) {
    if (err instanceof TrustStoreError)
      throw new CliError(err.message, `Fix or remove ${trustStorePath()} (it is rewritten by shiplog trust).`, {
        cause: err,
      });
    throw err;
  }
}
