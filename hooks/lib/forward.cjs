'use strict';
// Installs from before the sh hooks run `node hooks/<name>.cjs`: this hands the call to the sh
// hook of the same name, with stdin and arguments as they came, until `./install.sh` (or
// `shiplog doctor`'s fix) writes the new command. It costs a node start, as those hooks did.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

function forward(name) {
  // Its result is not looked at: the sh hook logs its own failures, and this exits 0 whatever
  // happened, as a hook must (a failed hook shows in the client's turn).
  spawnSync('/bin/sh', [join(__dirname, '..', name), process.execPath, ...process.argv.slice(2)], { stdio: ['inherit', 'ignore', 'ignore'] });
}

module.exports = { forward };
