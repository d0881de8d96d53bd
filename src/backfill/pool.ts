import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PARSER_NODE_FLAGS, parserEnv } from '../worker/spawn-worker.js';
import { HandOut } from './hand-out.js';
import { DoneMessage, type RunResult, type SessionTask, type ToChild } from './pool-messages.js';

const SESSION_PROCESS = fileURLToPath(new URL('./session-process.js', import.meta.url));

export interface PoolOptions {
  /** Processes at most (never more than there are sessions). */
  jobs: number;
  stateDir: string;
  /** Asked before each session is handed out: true after a Ctrl-C, and nothing more starts. */
  stopping: () => boolean;
  /** Each session's result, as it comes in; `index` is its place in `tasks`. */
  onResult: (index: number, result: RunResult) => void;
}

/**
 * Runs sessions in `jobs` processes of their own (session-process.ts), so a backfill of many
 * sessions uses the machine's cores; one session goes to one process, once. Each process takes
 * the next session (hand-out.ts) as soon as it is done with one, so a long transcript holds up
 * one process, not the others. Resolves when every process has left; the sessions left unstarted (after a
 * Ctrl-C, or when the processes could not run at all) are those `onResult` never heard of.
 */
export function runInProcesses(tasks: readonly SessionTask[], opts: PoolOptions): Promise<void> {
  const live = new Set<ChildProcess>();
  // process.exit (a second Ctrl-C) does not wait for children: they are told to stop, not left running.
  const stopAll = () => {
    for (const child of live) child.kill('SIGTERM');
  };
  process.once('exit', stopAll);
  const order = new HandOut(tasks.map(repoOf));

  return new Promise<void>((resolve) => {
    /** `slot`: which of the `jobs` processes it is; a replacement takes over its slot and its repositories. */
    const start = (slot: number) => {
      const child = fork(SESSION_PROCESS, [opts.stateDir], {
        execArgv: [...PARSER_NODE_FLAGS],
        env: parserEnv(process.env),
        // stdout is the parent's (progress lines, --json); stderr is shared, as a run in this
        // process would write to it (the "waiting for the worker" note, a crash).
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        serialization: 'json',
      });
      live.add(child);
      let current: number | null = null;
      let finished = 0;
      let gone = false;

      const handOut = () => {
        current = opts.stopping() ? null : order.next(slot);
        if (current === null) {
          if (child.connected) child.send({ type: 'stop' } satisfies ToChild);
          return;
        }
        const task = tasks[current];
        if (!task) throw new Error(`backfill pool: no session at ${current}`);
        const msg: ToChild = { type: 'run', id: current, task: pick(task) };
        // A channel that closed under the send: the exit handler reports the session.
        child.send(msg, (err: Error | null) => err && child.kill('SIGKILL'));
      };

      child.on('message', (raw: unknown) => {
        const msg = DoneMessage.safeParse(raw);
        if (!msg.success || msg.data.id !== current) {
          // Not what was asked for: the process is not to be trusted with more sessions.
          process.stderr.write(`shiplog backfill: a session process sent an unexpected message; stopping it\n`);
          child.kill('SIGKILL');
          return;
        }
        current = null;
        finished++;
        opts.onResult(msg.data.id, msg.data.result);
        handOut();
      });

      const left = (why: string) => {
        if (gone) return;
        gone = true;
        live.delete(child);
        if (current !== null) {
          const task = tasks[current];
          if (task)
            opts.onResult(current, {
              kind: 'error',
              sessionId: task.sessionId,
              agent: task.agent,
              message: `the backfill process running it stopped (${why}); the next backfill continues it`,
            });
          current = null;
          // One that ran sessions before can run more: a replacement takes the rest. One that
          // never finished any is not replaced, or a process that cannot start would be started
          // once for every session.
          if (finished > 0 && order.remaining > 0 && !opts.stopping()) start(slot);
        }
        if (live.size === 0) {
          process.off('exit', stopAll);
          resolve();
        }
      };
      // 'close', not 'exit': it comes after the channel is read to its end, so a result sent
      // just before the process died is counted, not reported as lost.
      child.on('close', (code, signal) => left(signal ?? `exit code ${code}`));
      // No process at all (no pids left, say): 'close' may never come.
      child.on('error', (err) => {
        left(err.message);
        child.kill('SIGKILL');
      });
      handOut();
    };
    const n = Math.max(1, Math.min(opts.jobs, tasks.length));
    if (tasks.length === 0) {
      process.off('exit', stopAll);
      resolve();
      return;
    }
    for (let slot = 0; slot < n; slot++) start(slot);
  });
}

/**
 * What hand-out.ts keeps with one process: the repository when the state database knew it, else
 * the working folder (the process asks git for the repository; a repository's sessions started
 * in two of its folders may then go to two processes, which append under its lock all the same).
 */
const repoOf = (t: SessionTask): string => t.repo ?? t.cwd;

/** Only what a run needs crosses the channel (not the planner's sizes and times). */
function pick(t: SessionTask): SessionTask {
  return {
    sessionId: t.sessionId,
    agent: t.agent,
    path: t.path,
    cwd: t.cwd,
    ...(t.repo !== undefined && { repo: t.repo }),
    idle: t.idle,
    config: t.config,
  };
}
