/**
 * Tools an agent uses to manage itself rather than to do the work: finding its other tools
 * (Claude Code `ToolSearch`) and keeping its task list (Claude Code `TodoWrite`/`TodoRead` and the
 * 2.1.x `Task*` list tools, Codex `update_plan`). They change nothing in the project, so they are
 * no devlog action and no tool call of the window: the adapters emit no event for them.
 */
const BOOKKEEPING_TOOLS = new Set([
  'ToolSearch',
  'TodoWrite',
  'TodoRead',
  'TaskCreate',
  'TaskGet',
  'TaskUpdate',
  'TaskList',
  'update_plan',
]);

export function isBookkeepingTool(name: string): boolean {
  return BOOKKEEPING_TOOLS.has(name);
}
