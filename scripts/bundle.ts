import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

// Runs after tsc (npm run build). A short `shiplog` run or a detached worker spent most of its
// CPU resolving, reading and compiling ~150 ES modules one by one; these two entry points are
// replaced by bundles of the same code, split so that each command loads only the chunks it
// needs. Every other file tsc wrote stays as it was: tests and scripts that import dist/ modules
// directly, and a dist/ built by plain `tsc`, keep working (unbundled, just slower to start).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRIES = [
  { entry: 'src/cli/main.ts', outdir: 'dist/src/cli' },
  { entry: 'src/worker/entry.ts', outdir: 'dist/src/worker' },
  // backfill --jobs forks one per job: started once per backfill, but one per core.
  { entry: 'src/backfill/session-process.ts', outdir: 'dist/src/backfill' },
];
const CHUNK_PREFIX = 'chunk-';

/**
 * Code that finds files next to its own module (`new URL('../worker/entry.js', import.meta.url)`)
 * must see the URL its module has in dist/, not the bundle's: each build writes all its outputs
 * into one folder, so the module's place relative to that folder is known here.
 */
function moduleUrls(outdir: string): Plugin {
  return {
    name: 'module-urls',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const compiled = join(root, 'dist', relative(root, args.path)).replace(/\.ts$/, '.js');
        const url = `new URL(${JSON.stringify(relative(outdir, compiled))}, import.meta.url).href`;
        return { contents: vendored(args.path, text.replaceAll('import.meta.url', url)), loader: 'ts' };
      });
    },
  };
}

/**
 * Packages that a command loads only when it needs them (through `createRequire`, which esbuild
 * does not follow), each bundled into one CommonJS file of its own under dist/src/vendor/: one
 * file to read and compile instead of dozens to resolve, and nothing to parse until it is used.
 * `module` names the file that requires it, and `line` how it names the package there.
 */
const VENDORED = [{ pkg: 'fast-glob', module: 'src/glob.ts', line: "const FAST_GLOB = 'fast-glob';" }];

function vendored(path: string, text: string): string {
  let out = text;
  for (const v of VENDORED) {
    if (resolve(root, v.module) !== path) continue;
    if (!out.includes(v.line))
      throw new Error(`${v.module} no longer says ${v.line}: scripts/bundle.ts cannot point it at dist/src/vendor/`);
    const file = relative(dirname(join(root, 'dist', v.module)), vendorFile(v.pkg));
    out = out.replace(v.line, v.line.replace(`'${v.pkg}'`, JSON.stringify(`./${file}`)));
  }
  return out;
}

const vendorFile = (pkg: string) => join(root, 'dist', 'src', 'vendor', `${pkg}.cjs`);

for (const v of VENDORED) {
  await build({
    absWorkingDir: root,
    stdin: { contents: `module.exports = require(${JSON.stringify(v.pkg)});`, resolveDir: root, loader: 'js' },
    outfile: vendorFile(v.pkg),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    charset: 'utf8',
    logLevel: 'warning',
  });
}

/**
 * zod's main module re-exports all of its ~50 translations of error messages (`z.locales`), 400 KB
 * of the bundle that every run would parse. shiplog uses none of them: zod sets up English from
 * its own module, which this leaves in place.
 */
const noZodLocales: Plugin = {
  name: 'no-zod-locales',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[/\\]node_modules[/\\]zod[/\\]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * better-sqlite3's JavaScript is bundled: required from node_modules, its dozen CommonJS files cost
 * each run ~10 ms of resolving and compiling. Its native addon stays where npm built it. The
 * package finds the addon with `bindings`, which guesses the package's folder from a stack trace
 * (the bundle's folder, here) and stats up to 13 places: the first places it would look are
 * looked at here from better-sqlite3's own folder, and `bindings` is asked, told that folder, only
 * when none holds the addon.
 */
const bundledSqlite: Plugin = {
  name: 'bundled-better-sqlite3',
  setup(b) {
    b.onResolve({ filter: /^bindings$/ }, (args) =>
      /[/\\]node_modules[/\\]better-sqlite3[/\\]/.test(args.importer)
        ? { path: 'sqlite-addon', namespace: 'sqlite-addon' }
        : undefined,
    );
    b.onResolve({ filter: /^bindings$/, namespace: 'sqlite-addon' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'sqlite-addon' }, () => ({
      contents: `const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');
module.exports = function findAddon(name) {
  const root = dirname(require.resolve('better-sqlite3/package.json'));
  for (const dir of [['build'], ['build', 'Debug'], ['build', 'Release']]) {
    const file = join(root, ...dir, name);
    if (existsSync(file)) return require(file);
  }
  return require('bindings')({ bindings: name, module_root: root });
};`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

for (const { entry, outdir } of ENTRIES) {
  const out = join(root, outdir);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outdir: out,
    entryNames: '[name]',
    chunkNames: `${CHUNK_PREFIX}[hash]`,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    charset: 'utf8',
    // jsonc-parser's `main` is a UMD build whose requires esbuild cannot follow; its ES build can.
    mainFields: ['module', 'main'],
    // fast-glob, better-sqlite3 and their dependencies, bundled in as CommonJS, require node's own
    // modules; and better-sqlite3's addon is required from node_modules.
    banner: {
      js: "import { createRequire as shiplogCreateRequire } from 'node:module';\nconst require = shiplogCreateRequire(import.meta.url);",
    },
    plugins: [moduleUrls(out), noZodLocales, bundledSqlite],
    metafile: true,
    logLevel: 'warning',
  });
  // Chunk names change with their content: the last build's would pile up. Removed after the
  // new ones are written, so a process starting meanwhile finds the chunks its entry names.
  const written = new Set(Object.keys(result.metafile.outputs).map((f) => resolve(root, f)));
  for (const name of readdirSync(out))
    if (name.startsWith(CHUNK_PREFIX) && !written.has(join(out, name))) rmSync(join(out, name));
}
