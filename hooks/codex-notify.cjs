#!/usr/bin/env node
'use strict';
// An older install's command; see lib/forward.cjs.
require('./lib/forward.cjs').forward('codex-notify.sh');
