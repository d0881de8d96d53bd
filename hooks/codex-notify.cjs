#!/usr/bin/env node
'use strict';
// shiplog's Codex `notify` program, for Codex builds without hooks (or with hooks turned off).
// Codex runs: node codex-notify.cjs [the user's own notify program and its arguments…] <json>.
// The user's program, when there is one, is started first with the same JSON argument, so
// installing shiplog never takes their notifications away.
require('./lib/hook-runtime.cjs').runNotify(process.argv.slice(2));
