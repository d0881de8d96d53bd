import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { actorInEffect } from '../actor.js';
import { parseArgs } from 'node:util';
import { ENV, OPTIONAL_KEYS } from '../config/config.js';
import { configForSession } from '../config/session-config.js';
import { repoRoot } from '../git.js';
import { configDir } from '../paths.js';
import { UsageError } from './errors.js';

export const CONFIG_HELP = `Usage: shiplog config show [--repo DIR] [--json]

Prints every setting, its value, and where the value came from: the default, the user file
($XDG_CONFIG_HOME/shiplog/config.toml, default ~/.config/shiplog/config.toml), the repository's
.shiplog.toml (at its top level), or an environment variable. Later sources win, in that order.
Invalid files or values are listed with the file and key; shiplog uses the default for them
meanwhile. A repository's file sets only output-shaping keys unless you trusted it (see
shiplog trust --help); the keys it set and shiplog ignored are listed as "refused".

Options:
  --repo DIR   the repository whose .shiplog.toml applies, or any folder in it (default: the
               git top level of the current folder)
  --json       print {config, sources, problems} as JSON
  -h, --help   show this help

Environment variables:
${Object.entries(ENV)
  .map(([key, { names }]) => `  ${key.padEnd(24)} ${names.join(', ')}`)
  .join('\n')}
`;

export async function configCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      repo: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(CONFIG_HELP);
    return 0;
  }
  const [sub, ...extra] = positionals;
  if (sub !== 'show' || extra.length > 0)
    throw new UsageError(
      sub ? `unknown config subcommand "${[sub, ...extra].join(' ')}"` : 'missing subcommand',
      'Run: shiplog config show (see shiplog config --help).',
    );
  // The repository a session working in that folder writes into (src/worker/session-repo.ts).
  const repo = await repoRoot(resolve(values.repo ?? process.cwd()));
  const loaded = configForSession(repo);
  const userFile = join(configDir(), 'config.toml');
  const repoFile = loaded.repo?.file ?? join(repo, '.shiplog.toml');
  const files = [
    { kind: 'user', path: userFile, exists: existsSync(userFile) },
    { kind: 'repo', path: repoFile, exists: existsSync(repoFile), trusted: loaded.repo?.trusted ?? false },
  ];
  const actor = await actorInEffect(loaded.config.changelog.actor, repo);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...loaded, files, actor }, null, 2)}\n`);
    return loaded.problems.length > 0 ? 1 : 0;
  }
  const lines = [
    `user file:  ${userFile} (${files[0]?.exists ? 'found' : 'not found'})`,
    `repo file:  ${repoFile} (${!files[1]?.exists ? 'not found' : loaded.repo?.trusted ? 'found, trusted' : 'found, not trusted: output-shaping keys only'})`,
  ];
  // Every key, the optional ones unset included; the actor as it will be used.
  const rows = flatten(withUnset(loaded.config)).map(([key, value]): [string, string, string] => {
    if (key === 'changelog.actor')
      return [
        key,
        JSON.stringify(actor.value),
        actor.from === 'config' ? (loaded.sources[key] ?? 'default') : `in effect: ${actor.from}`,
      ];
    return [key, value, loaded.sources[key] ?? 'default'];
  });
  const width = Math.max(...rows.map(([k, v]) => `${k} = ${v}`.length));
  for (const [key, value, source] of rows) lines.push(`${`${key} = ${value}`.padEnd(width)}   # ${source}`);
  for (const p of loaded.problems) {
    if (p.refused) lines.push(`refused: ${p.file}: ${p.key ?? ''} = ${JSON.stringify(p.value)} (${p.message})`);
    else lines.push(`problem: ${p.file}${p.key ? `: ${p.key}` : ''}: ${p.message} (the default is used instead)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return loaded.problems.length > 0 ? 1 : 0;
}

/** The config with each setting that has no default and is not set present as undefined, first in its section. */
function withUnset(config: object): object {
  const out: Record<string, unknown> = {};
  for (const [section, values] of Object.entries(config)) {
    const unset = [...OPTIONAL_KEYS].filter((k) => k.startsWith(`${section}.`));
    out[section] = { ...Object.fromEntries(unset.map((k) => [k.slice(section.length + 1), undefined])), ...values };
  }
  return out;
}

function flatten(obj: object, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...flatten(v, key));
    else out.push([key, v === undefined ? '(unset)' : JSON.stringify(v)]);
  }
  return out;
}
