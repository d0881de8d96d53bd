#!/bin/sh
# shiplog's Gemini CLI hook (AfterAgent, SessionEnd): sh hooks/gemini.sh NODE.
# Hands the payload to shiplog's inbox and exits 0 at once; see lib/inbox.sh.
[ "${SHIPLOG_INTERNAL:-}" = 1 ] && exit 0
case $0 in */*) shiplog_hooks=${0%/*} ;; *) shiplog_hooks=. ;; esac
. "$shiplog_hooks/lib/inbox.sh"
shiplog_begin gemini
shiplog_detach stdin "${1:-}"
