/**
 * Limits for the transcript adapters. They keep the state small whatever the transcript, and
 * events sane whatever the line: every id, label, path, command and output that reaches state or
 * an event is bounded by one of these.
 */

/** Entries kept in each state list (seen uuids, agent calls, background agents). */
export const STATE_LIST_CAP = 2000;
/** Ids longer than this are not remembered: real ids are ~40 chars; a huge one is hostile. */
export const MAX_ID_CHARS = 256;
/** Longest cwd remembered in state. */
export const MAX_CWD_CHARS = 4096;
/** Longest agent type / description remembered in state. */
export const MAX_LABEL_CHARS = 300;
/** Tail of tool output kept in `tool_result.output`. */
export const OUTPUT_TAIL_CHARS = 2000;
/** Length of a shell command, search pattern or path inside an action string. */
export const ACTION_PART_CHARS = 200;
/** Hard cap on a whole action string. */
export const ACTION_MAX_CHARS = 400;
/** Longest tool name / record type echoed back into events. */
export const MAX_NAME_CHARS = 100;
/** Bash commands longer than this are never inspected for rm/mv. */
export const MAX_FILE_OP_COMMAND_CHARS = 4096;
