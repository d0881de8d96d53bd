# shiplog: the part of a hook the client does not wait for (see inbox.sh), run by the hook as
#   sh lib/deliver.sh MODE KIND ID NODE
# in a session of its own. MODE stdin: the payload is read from stdin (the client's, passed on);
# MODE file: the hook already wrote it to the .part file.
# Only the hook itself is timed (SHIPLOG_HOOK_TIMES): this is not part of what the client waits for.
unset SHIPLOG_HOOK_TIMES
case $0 in */*) shiplog_hooks=${0%/*}/.. ;; *) shiplog_hooks=.. ;; esac
. "$shiplog_hooks/lib/inbox.sh"
shiplog_begin "$2" "$3"
[ "$1" = stdin ] && shiplog_read_stdin
shiplog_commit "$4"
