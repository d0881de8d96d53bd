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
        return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

/**
 * zod's main module re-exports all of its ~50 translations of error messages (`z.locales`), 400 KB
 * of the bundle that every run would parse. shiplog uses none of them: zod sets up English from
 * its own module, which this leaves in place.
 */
const noZodLocales: Plugin = {
  name: 'no-zod-locales',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (/[/\\]node_modules[/\\]zod[/\\]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * better-sqlite3 is a CommonJS package with a native addon, left out of the bundles. Imported
 * from an ES module, node first scans its source for the names it exports, which cost each run
 * ~15 ms; required (the banner's `require`), it does not.
 */
const requiredSqlite: Plugin = {
  name: 'required-better-sqlite3',
  setup(b) {
    b.onResolve({ filter: /^better-sqlite3$/ }, (args) => (args.kind === 'require-call' ? { path: args.path, external: true } : { path: args.path, namespace: 'required' }));
    b.onLoad({ filter: /.*/, namespace: 'required' }, () => ({ contents: "export default require('better-sqlite3');", loader: 'js' }));
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
    // fast-glob and its dependencies, bundled in as CommonJS, require node's own modules; and
    // better-sqlite3 is required from node_modules.
    banner: { js: "import { createRequire as shiplogCreateRequire } from 'node:module';\nconst require = shiplogCreateRequire(import.meta.url);" },
    plugins: [moduleUrls(out), noZodLocales, requiredSqlite],
    metafile: true,
    logLevel: 'warning',
  });
  // Chunk names change with their content: the last build's would pile up. Removed after the
  // new ones are written, so a process starting meanwhile finds the chunks its entry names.
  const written = new Set(Object.keys(result.metafile.outputs).map((f) => resolve(root, f)));
  for (const name of readdirSync(out)) if (name.startsWith(CHUNK_PREFIX) && !written.has(join(out, name))) rmSync(join(out, name));
}
