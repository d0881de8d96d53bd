#!/bin/sh
# shiplog's Codex hook (Stop, SessionEnd): sh hooks/codex.sh NODE.
# Hands the payload to shiplog's inbox and exits 0 at once; see lib/inbox.sh.
[ "${SHIPLOG_INTERNAL:-}" = 1 ] && exit 0
case $0 in */*) shiplog_hooks=${0%/*} ;; *) shiplog_hooks=. ;; esac
. "$shiplog_hooks/lib/inbox.sh"
shiplog_begin codex
shiplog_detach stdin "${1:-}"
