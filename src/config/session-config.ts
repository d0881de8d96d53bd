import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { configDir } from '../paths.js';
import {
  Config,
  type ConfigProblem,
  ENV,
  type EnvKind,
  type LoadedConfig,
  type RepoConfigFile,
  SETTING_KEYS,
} from './config.js';
import { isErrno } from '../kit/errno.js';
import { readRepoFile } from './repo-file.js';
import { REPO_ALLOWED_KEYS } from './repo-keys.js';
import { userPatternProblem } from './safe-regex.js';
import { deletePath, getPath, isTable, leafKeys, setPath, type TomlTable } from './tables.js';
import { trustedHash, TrustStoreError, trustStorePath } from './trust.js';

/**
 * The settings that apply to a session: the one place that decides it. The worker (hook runs,
 * idle closes, the sweep, held windows), `shiplog process`, `flush`, `retry`, `backfill`, `config
 * show`, `trust` and `doctor` all call this, so what `config show --repo X` prints is what a
 * session writing into X uses. Four layers, each over the one before:
 * 1. the schema's defaults (config.ts);
 * 2. the user's file, $XDG_CONFIG_HOME/shiplog/config.toml;
 * 3. `<repoRoot>/.shiplog.toml`: only the keys in REPO_ALLOWED_KEYS unless the user trusted that
 *    exact content (trust.ts), since whoever wrote the repository wrote it;
 * 4. the environment (ENV).
 * `repoRoot` is the session's repository: where its .devlog/ and .changelog/ are written, as
 * src/worker/session-repo.ts decides it (the repository it is recorded under, else the git top
 * level of its working folder, else that folder). It is never a working folder: a session in a
 * subfolder, or one that moved into a nested repository, is configured by the repository its
 * outputs go to. null: no repository, for what is no one repository's (a worker's or the
 * router's linger, the default evaluator of a backfill).
 */
export function configForSession(repoRoot: string | null, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const problems: ConfigProblem[] = [];
  const sources: Record<string, string> = {};
  const merged: TomlTable = {};

  const userFile = join(configDir(env), 'config.toml');
  const userTable = readTomlFile(userFile, problems);
  if (userTable) applyFile(merged, userTable, userFile, sources, problems);

  const repo = repoRoot === null ? null : applyRepoFile(merged, repoRoot, env, sources, problems);

  for (const [key, { kind, names }] of Object.entries(ENV)) {
    const name = names.find((n) => env[n] !== undefined && env[n] !== '');
    if (!name) continue;
    const raw = env[name] ?? '';
    const value = coerceEnv(raw, kind);
    const candidate = structuredClone(merged);
    setPath(candidate, key, value);
    if (Config.safeParse(candidate).success) {
      setPath(merged, key, value);
      sources[key] = `env ${name}`;
    } else problems.push({ file: `env ${name}`, key, message: `invalid value ${JSON.stringify(raw.slice(0, 60))}` });
  }

  const config = Config.parse(merged);
  for (const key of SETTING_KEYS) if (getPath(config, key) !== undefined) sources[key] ??= 'default';
  return { config, sources, problems, repo };
}

/** The repository's file, read as untrusted input and merged over `merged` once its refused keys are out. */
function applyRepoFile(
  merged: TomlTable,
  top: string,
  env: NodeJS.ProcessEnv,
  sources: Record<string, string>,
  problems: ConfigProblem[],
): RepoConfigFile {
  const read = readRepoFile(top);
  const repo: RepoConfigFile = {
    top,
    file: read.path,
    sha256: read.kind === 'read' ? read.sha256 : null,
    trusted: false,
    changed: false,
  };
  if (read.kind === 'refused') problems.push({ file: read.path, message: `${read.reason} (ignored)` });
  if (read.kind !== 'read') return repo;
  const table = parseTomlText(read.text, read.path, problems);
  if (table) {
    repo.trusted = refuseUntrusted(table, repo, read.sha256, env, problems);
    applyFile(merged, table, read.path, sources, problems);
  }
  return repo;
}

/** A file's table, once valid, merged over what came before; its unusable patterns dropped first. */
function applyFile(
  merged: TomlTable,
  table: TomlTable,
  file: string,
  sources: Record<string, string>,
  problems: ConfigProblem[],
): void {
  const checked = Config.safeParse(table);
  if (!checked.success) {
    for (const issue of checked.error.issues)
      problems.push({ file, key: issue.path.join('.'), message: issue.message });
    return;
  }
  dropUnusablePatterns(table, file, problems);
  mergeInto(merged, table, file, sources, '');
}

/** `redact.extra` patterns RE2 cannot run (or should not: too big, matching empty) are problems, not crashes. */
function dropUnusablePatterns(table: TomlTable, file: string, problems: ConfigProblem[]): void {
  const redact = table.redact;
  if (!isTable(redact) || !Array.isArray(redact.extra)) return;
  redact.extra = redact.extra.filter((entry: unknown, i) => {
    if (!isTable(entry) || typeof entry.pattern !== 'string') return true; // the schema already vouched for it
    const why = userPatternProblem(entry.pattern);
    if (why === null) return true;
    const pattern = `pattern for kind ${JSON.stringify(entry.kind)}, /${entry.pattern.slice(0, 200)}/`;
    problems.push({ file, key: `redact.extra.${i}`, message: `${pattern}, ${why}; it is not used` });
    return false;
  });
}

/**
 * Takes out of a repository's table every key it may not set, recording each as a refused
 * problem, unless the user trusted this exact content. True when the file is trusted.
 */
function refuseUntrusted(
  table: TomlTable,
  repo: RepoConfigFile,
  sha256: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): boolean {
  const asked = leafKeys(table)
    .filter((k) => !REPO_ALLOWED_KEYS.has(k) && isSchemaKey(k))
    .sort();
  if (asked.length === 0) return false;
  let trusted: string | null;
  try {
    trusted = trustedHash(repo.top, env);
  } catch (err) {
    // An unreadable trust list trusts nothing; the refusal names why.
    if (!(err instanceof TrustStoreError)) throw err;
    problems.push({ file: trustStorePath(env), message: `${err.message}; no repository file is trusted meanwhile` });
    trusted = null;
  }
  if (trusted === sha256) return true;
  repo.changed = trusted !== null;
  const why =
    trusted === null
      ? "a repository's .shiplog.toml may not set this key (it can choose a program, an endpoint, a timeout, " +
        `redaction or committing); if you trust this file, run: shiplog trust ${repo.top}`
      : `the file changed since you trusted it; review it, then run: shiplog trust ${repo.top}`;
  for (const key of asked) {
    problems.push({ file: repo.file, key, message: why, refused: true, value: getPath(table, key) });
    deletePath(table, key);
  }
  return false;
}

const SCHEMA_KEYS: ReadonlySet<string> = new Set(SETTING_KEYS);

/** A known setting, or a table where one belongs; unknown keys are left to the schema to report. */
function isSchemaKey(key: string): boolean {
  for (let k = key; k !== ''; k = k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '')
    if (SCHEMA_KEYS.has(k)) return true;
  return false;
}

function readTomlFile(file: string, problems: ConfigProblem[]): TomlTable | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrno(err) && err.code === 'ENOENT') return null;
    problems.push({ file, message: `cannot read: ${String(err)}` });
    return null;
  }
  return parseTomlText(text, file, problems);
}

function parseTomlText(text: string, file: string, problems: ConfigProblem[]): TomlTable | null {
  try {
    return parseToml(text);
  } catch (err) {
    // smol-toml's message carries a code excerpt over several lines; the first says what is wrong.
    if (err instanceof TomlError)
      problems.push({
        file,
        message: `line ${err.line}: ${err.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '')}`,
      });
    else problems.push({ file, message: err instanceof Error ? err.message : String(err) });
    return null;
  }
}

function mergeInto(
  target: TomlTable,
  src: TomlTable,
  file: string,
  sources: Record<string, string>,
  prefix: string,
): void {
  for (const [k, v] of Object.entries(src)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isTable(v)) {
      const sub = target[k];
      const next: TomlTable = isTable(sub) ? sub : {};
      target[k] = next;
      mergeInto(next, v, file, sources, key);
    } else {
      target[k] = v;
      sources[key] = file;
    }
  }
}

function coerceEnv(raw: string, kind: EnvKind): string | number | boolean {
  if (kind === 'bool') {
    if (/^(true|yes|on|1)$/i.test(raw)) return true;
    if (/^(false|no|off|0)$/i.test(raw)) return false;
    return raw;
  }
  if (kind === 'number' && /^\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}
