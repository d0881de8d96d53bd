import { createRequire } from 'node:module';
import type FastGlob from 'fast-glob';

/**
 * fast-glob, loaded when a listing first needs it: ~200 KB of CommonJS whose parsing and setup
 * cost every short run ~20 ms of CPU (issue 18), while `shiplog process` of one transcript and a
 * hook's run list no folder. npm run build points FAST_GLOB at fast-glob bundled into one file of
 * its own (scripts/bundle.ts), as quick to load as the rest of the bundle; a dist/ built by plain
 * tsc loads the package from node_modules.
 */
const FAST_GLOB = 'fast-glob';

const requireCjs = createRequire(import.meta.url);
let lib: typeof FastGlob | undefined;

export function globSync(patterns: string | string[], options: FastGlob.Options): string[] {
  lib ??= requireCjs(FAST_GLOB) as typeof FastGlob;
  return lib.sync(patterns, options);
}
