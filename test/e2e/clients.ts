import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The real clients the end-to-end suite drives, installed from npm into a cache outside the
 * repository (never as dependencies of the project), once, then reused. Versions are pinned
 * here; SHIPLOG_E2E_CLAUDE_VERSION / SHIPLOG_E2E_CODEX_VERSION / SHIPLOG_E2E_GEMINI_VERSION run the suite against others,
 * SHIPLOG_E2E_CACHE moves the cache.
 */
export const CLIENTS = {
  claude: {
    pkg: '@anthropic-ai/claude-code',
    version: process.env.SHIPLOG_E2E_CLAUDE_VERSION || '2.1.330',
    bin: 'claude',
  },
  codex: { pkg: '@openai/codex', version: process.env.SHIPLOG_E2E_CODEX_VERSION || '0.169.0', bin: 'codex' },
  // engines: node >=20 (0.61.0); see docs/gemini-cli.md for how it runs offline.
  gemini: { pkg: '@google/gemini-cli', version: process.env.SHIPLOG_E2E_GEMINI_VERSION || '0.61.0', bin: 'gemini' },
} as const;
export type ClientName = keyof typeof CLIENTS;

export function e2eCache(): string {
  return process.env.SHIPLOG_E2E_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'shiplog-e2e');
}

function exec(
  cmd: string,
  args: string[],
  opts: { cwd?: string; timeoutMs: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      {
        cwd: opts.cwd,
        timeout: opts.timeoutMs,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, SHIPLOG_INTERNAL: '1' },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The client's executable, installing its pinned version into the cache first if needed. */
export async function ensureClient(
  name: ClientName,
  log: (line: string) => void = () => {},
): Promise<{ bin: string; version: string }> {
  const { pkg, version, bin } = CLIENTS[name];
  const dir = join(e2eCache(), `${name}-${version}`);
  const path = join(dir, 'node_modules', '.bin', bin);
  if (existsSync(path)) {
    const v = await exec(path, ['--version'], { timeoutMs: 60_000 });
    if (v.code === 0 && v.stdout.includes(version)) return { bin: path, version };
  }
  mkdirSync(dir, { recursive: true });
  // A package.json of its own, so npm installs here and not into an enclosing project.
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `shiplog-e2e-${name}`, private: true }, null, 2)}\n`,
  );
  log(`installing ${pkg}@${version} into ${dir} (once; reused afterwards)`);
  const r = await exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `${pkg}@${version}`], {
    cwd: dir,
    timeoutMs: 15 * 60_000,
  });
  if (r.code !== 0 || !existsSync(path))
    throw new Error(`npm install ${pkg}@${version} failed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  const v = await exec(path, ['--version'], { timeoutMs: 60_000 });
  if (!v.stdout.includes(version))
    throw new Error(`${path} --version says ${JSON.stringify(v.stdout.trim())}, expected ${version}`);
  return { bin: path, version };
}
