# shiplog: the part of a hook the client does not wait for (see inbox.sh), run by the hook as
#   sh lib/deliver.sh MODE KIND ID NODE [NOTIFY PROGRAM…]
# in a session of its own. MODE stdin: the payload is read from stdin (the client's, passed on);
# MODE file: the hook already wrote it to the .part file. A notify program given after NODE (the
# user's own, from codex-notify.sh) is started before anything else.
# Only the hook itself is timed (SHIPLOG_HOOK_TIMES): this is not part of what the client waits for.
unset SHIPLOG_HOOK_TIMES
case $0 in */*) shiplog_hooks=${0%/*}/.. ;; *) shiplog_hooks=.. ;; esac
. "$shiplog_hooks/lib/inbox.sh"
shiplog_mode=$1
shiplog_begin "$2" "$3"
shiplog_node=$4
shift 4
[ $# -gt 0 ] && shiplog_chain "$@"
[ "$shiplog_mode" = stdin ] && shiplog_read_stdin
shiplog_commit "$shiplog_node"
