#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`shiplog: unexpected error: ${err && err.stack ? err.stack : err}\nPlease report it with the log at $SHIPLOG_HOME/shiplog.log.\n`);
    process.exitCode = 70;
  },
);
