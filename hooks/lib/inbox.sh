# shiplog's hook runtime, sourced by the entrypoints (POSIX sh: dash, busybox, bash all run it).
#
# A hook costs what starting a shell costs, a small fraction of starting node: it names the
# payload and hands the rest to lib/deliver.sh, started in its own session and not waited for,
# which puts the client's payload in $SHIPLOG_HOME/inbox (written as .part, renamed whole) and,
# when no router is alive, starts one (node dist/src/worker/entry.js --inbox). The router checks
# the payload, turns it into a job in the session's spool and starts the session's worker
# (src/worker/router.ts). The rules kept here: exit 0, print nothing, never wait for node or for
# the client's stdin, never write more than the size cap, write only in the state folder.

# Nothing a command here prints may reach the client: stdout is the hook's answer to it.
exec >/dev/null 2>&1

# A diagnostic, off unless asked for (the e2e suite reports hook exit times under load with it):
# one line per hook, "kind start_ns end_ns", appended to the file named.
if [ -n "${SHIPLOG_HOOK_TIMES:-}" ]; then
  shiplog_t0=$(date +%s%N)
  trap 'printf "%s %s %s\n" "${shiplog_kind:-none}" "$shiplog_t0" "$(date +%s%N)" >>"$SHIPLOG_HOOK_TIMES"' EXIT
fi
# The programs this needs (cat, timeout, mv, setsid) from the system first, whatever PATH says.
PATH=/usr/bin:/bin${PATH:+:$PATH}
umask 077

# The payload cap (src/hooks/inbox.ts MAX_PAYLOAD_BYTES): a little more is written, so a payload
# over the cap is seen as such by the router and refused, never cut to a size that happens to parse.
SHIPLOG_MAX_PAYLOAD=1048576

# Same rules as src/paths.ts stateDir(); test/hooks/claude-code-hook.test.ts keeps them in step.
if [ -n "${SHIPLOG_HOME:-}" ]; then
  shiplog_state=$SHIPLOG_HOME
else
  case ${XDG_STATE_HOME:-} in
    /*) shiplog_state=$XDG_STATE_HOME/shiplog ;;
    *) shiplog_state=${HOME:-}/.local/state/shiplog ;;
  esac
fi
shiplog_inbox=$shiplog_state/inbox

# shiplog_log LEVEL MESSAGE: a pino-shaped line in shiplog.log (MESSAGE is a constant: no quoting).
shiplog_log() {
  [ -d "$shiplog_state" ] || mkdir -p "$shiplog_state" || return 0
  printf '{"level":%s,"time":"%s","pid":%s,"name":"hook","msg":"%s"}\n' "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$$" "$2" >>"$shiplog_state/shiplog.log"
}

# shiplog_begin KIND [ID]: names this payload's file; the name starts with the hook's start time
# (clock ticks since boot), so names never repeat and sort in the order the client fired them.
# deliver.sh passes the ID the hook chose.
shiplog_begin() {
  shiplog_kind=$1
  shiplog_id=${2:-$$}
  if [ -z "${2:-}" ] && [ -r /proc/$$/stat ] && read -r shiplog_stat </proc/$$/stat; then
    set -f
    # shellcheck disable=SC2086 # split into fields on purpose; the command name is cut off first
    set -- ${shiplog_stat##*) }
    set +f
    [ $# -ge 20 ] && shift 19 && shiplog_id=$1-$$
  fi
  shiplog_file=$shiplog_inbox/$shiplog_id.$shiplog_kind
  shiplog_part=$shiplog_file.part
  [ -d "$shiplog_inbox" ] || mkdir -p "$shiplog_inbox" || {
    shiplog_log 50 'cannot create the inbox folder; payload dropped'
    exit 0
  }
}

# shiplog_detach MODE NODE: the rest of the work, in lib/deliver.sh, in a session of its own (a
# client that kills the hook's process group when the hook is done spares it) with the client's
# stdin (MODE stdin) or the .part already written (MODE file); the hook exits at once.
# Any further arguments are a notify program to start first (codex-notify.sh).
shiplog_detach() {
  shiplog_mode=$1
  shiplog_node=$2
  shift 2
  exec 3<&0
  shiplog_spawn /bin/sh "$shiplog_hooks/lib/deliver.sh" "$shiplog_mode" "$shiplog_kind" "$shiplog_id" "$shiplog_node" "$@"
  exit 0
}

# shiplog_spawn PROGRAM ARGS…: started in the background, in a session of its own where setsid
# exists, with fd 3 as its stdin (a non-interactive sh gives a background command /dev/null for
# stdin unless told otherwise, and `<&0` would be that /dev/null); $! is its pid.
shiplog_spawn() {
  if command -v setsid >/dev/null; then
    setsid "$@" <&3 &
  else
    "$@" <&3 &
  fi
}

# shiplog_chain PROGRAM ARGS… JSON: the user's own notify program, as Codex would have run it,
# detached, its output to /dev/null.
shiplog_chain() {
  if ! command -v "$1" >/dev/null; then
    shiplog_log 40 'could not start the notify program shiplog passes turns on to: not found'
  else
    exec 3</dev/null
    shiplog_spawn "$@"
  fi
}

# shiplog_alive FILE: true when FILE names a running process ("pid starttime", as
# src/worker/alive-file.ts writes it); the start time tells a recycled pid from its first owner.
shiplog_alive() {
  read -r shiplog_pid shiplog_start <"$1" || return 1
  case $shiplog_pid in '' | *[!0-9]*) return 1 ;; esac
  kill -0 "$shiplog_pid" || return 1
  [ -r "/proc/$shiplog_pid/stat" ] || return 0
  read -r shiplog_stat <"/proc/$shiplog_pid/stat" || return 1
  set -f
  # shellcheck disable=SC2086
  set -- ${shiplog_stat##*) }
  set +f
  [ $# -ge 20 ] || return 0
  shift 19
  [ "$1" = "$shiplog_start" ] || [ "$shiplog_start" = - ]
}

# shiplog_commit NODE: the payload becomes visible whole, then a router is started unless one
# is alive. The file is renamed before the check, so a router on its way out still sees it
# (it looks at the inbox once more after giving up its marker).
shiplog_commit() {
  mv -f "$shiplog_part" "$shiplog_file" || {
    rm -f "$shiplog_part"
    shiplog_log 50 'could not put the payload in the inbox; payload dropped'
    exit 0
  }
  shiplog_alive "$shiplog_inbox/router.alive" && exit 0
  shiplog_worker=$shiplog_hooks/../dist/src/worker/entry.js
  [ -f "$shiplog_worker" ] || {
    shiplog_log 50 'worker not built; payload left in the inbox for the next run'
    exit 0
  }
  shiplog_node=$1
  [ -x "$shiplog_node" ] || shiplog_node=node
  # Its own session: a client that kills the hook's process group on a timeout spares it.
  # A 1 MiB young generation that does not grow, a 20% old-generation growth step and one
  # malloc arena keep the worker's peak memory flat on gigabyte transcripts (PARSER_NODE_FLAGS).
  # (Exported here, at the end of deliver.sh: only the router gets it.)
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
  exec 3</dev/null
  shiplog_spawn "$shiplog_node" --max-semi-space-size=1 --semi-space-growth-factor=1 --heap-growing-percent=20 "$shiplog_worker" --inbox
  # The router's marker, written for it until it claims it (setsid execs node in the same
  # process): the hooks of a burst that come while node starts find a live router and start no
  # second one. Should node fail to start, the pid is dead and the next hook starts another.
  printf '%s -\n' "$!" >"$shiplog_inbox/router.alive"
  exit 0
}

# shiplog_read_stdin: the payload, given up after a second if the client holds stdin open
# without closing it (what arrived is kept: the router judges it). cat writes each read as it
# comes (head and dd hold back what they read when they are stopped), and the file size limit
# stops it just past the cap, so no payload costs more disk than that.
shiplog_read_stdin() {
  (
    ulimit -f $(((SHIPLOG_MAX_PAYLOAD >> 9) + 1))
    if command -v timeout >/dev/null; then
      exec timeout 1 cat
    fi
    cat &
    shiplog_reader=$!
    (sleep 1 && kill "$shiplog_reader") &
    wait "$shiplog_reader"
  ) >"$shiplog_part"
  # 124 and 143: cut off by the time limit; 153 (SIGXFSZ): cut off at the cap; both are kept for
  # the router to judge. Any other failure (a full disk): nothing usable.
  case $? in 0 | 124 | 143 | 153) ;; *)
    rm -f "$shiplog_part"
    shiplog_log 50 'could not write the payload to the inbox (disk full?); payload dropped'
    exit 0
    ;;
  esac
}
