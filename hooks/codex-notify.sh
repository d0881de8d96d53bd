#!/bin/sh
# shiplog's Codex `notify` program, for Codex builds without hooks (or with hooks turned off).
# Codex runs: sh codex-notify.sh NODE [the user's own notify program and its arguments…] JSON.
# The user's program, when there is one, is started first with the same JSON argument (it is
# theirs: it runs even under SHIPLOG_INTERNAL), so installing shiplog never takes their
# notifications away. The turn then goes to shiplog's inbox like a hook's payload, with the
# folder and $CODEX_HOME this ran in (the router needs them to find the rollout).
case $0 in */*) shiplog_hooks=${0%/*} ;; *) shiplog_hooks=. ;; esac
. "$shiplog_hooks/lib/inbox.sh"
shiplog_node=${1:-}
[ $# -gt 0 ] && shift
if [ "${SHIPLOG_INTERNAL:-}" = 1 ]; then
  [ $# -gt 1 ] && shiplog_chain "$@"
  exit 0
fi
[ $# -gt 0 ] || exit 0
eval "shiplog_json=\${$#}"
shiplog_begin codex-notify
# NUL-separated (no path, variable or argument can hold one): where Codex ran, its CODEX_HOME
# (empty when unset), the JSON.
printf '%s\0%s\0%s' "$PWD" "${CODEX_HOME:-}" "$shiplog_json" >"$shiplog_part" || {
  rm -f "$shiplog_part"
  shiplog_log 50 'could not write the payload to the inbox (disk full?); payload dropped'
  exit 0
}
# deliver.sh starts the user's program (when there is one: more than the JSON) before anything.
[ $# -gt 1 ] || set --
shiplog_detach file "$shiplog_node" "$@"
