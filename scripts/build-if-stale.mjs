#!/usr/bin/env node
// Builds dist/ (npm run build) unless it was built from exactly these sources by this node:
// ./install.sh runs it every time, and a rebuild of an unchanged tree costs half a minute.
// The stamp is a sha256 over every file the build may read (src/, scripts/*.ts and the test
// helpers scripts import, tsconfig, the lock file) and the node version, kept in dist/.build-stamp once the build has succeeded.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stampFile = join(root, 'dist', '.build-stamp');

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return files(p);
    return d.name.endsWith('.ts') ? [p] : [];
  });
}

function sourceStamp() {
  const inputs = [
    ...files(join(root, 'src')),
    ...files(join(root, 'scripts')),
    ...files(join(root, 'test')),
    join(root, 'tsconfig.json'),
    join(root, 'package-lock.json'),
  ]
    .filter((f) => existsSync(f))
    .sort();
  const hash = createHash('sha256').update(process.version);
  for (const f of inputs) hash.update(`\0${relative(root, f)}\0`).update(readFileSync(f));
  return hash.digest('hex');
}

const want = sourceStamp();
const have = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : '';
if (have === want && existsSync(join(root, 'dist', 'src', 'cli', 'main.js'))) {
  console.log('==> build up to date');
} else {
  console.log('==> building');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stampFile, want);
}
