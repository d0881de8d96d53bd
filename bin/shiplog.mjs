#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// Before anything is loaded: a small young generation keeps peak memory flat while a long
// transcript is parsed (the detached worker gets the same flag from the hook).
setFlagsFromString('--max-semi-space-size=1');
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--heap-growing-percent=20');
const { main } = await import('../dist/src/cli/main.js');

main(process.argv.slice(2), { entryScript: fileURLToPath(import.meta.url) }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(
      `shiplog: unexpected error: ${err?.stack ? err.stack : err}\nPlease report it with the log at $SHIPLOG_HOME/shiplog.log.\n`,
    );
    process.exitCode = 70;
  },
);
