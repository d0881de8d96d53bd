#!/usr/bin/env node
'use strict';
// shiplog's Codex hook, registered for Stop and SessionEnd in $CODEX_HOME/config.toml. Codex
// waits for a hook and anything holding its stdout, so the worker gets /dev/null for all three
// (lib/hook-runtime.cjs spawnDetached) and this exits 0 at once.
require('./lib/hook-runtime.cjs').runHook('codex', ['Stop', 'SessionEnd']);
