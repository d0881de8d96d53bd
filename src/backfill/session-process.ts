import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { rememberRepoState } from '../git.js';
import { createLogger } from '../log.js';
import { openDb } from '../state/db.js';
import { OutputPins } from './pin.js';
import { ToChild, type DoneMessage } from './pool-messages.js';
import { runOne } from './run-one.js';

/**
 * One of the processes of `shiplog backfill --jobs N` (forked by pool.ts with the state folder
 * as its argument): runs the sessions its parent hands it over IPC, one at a time, each under its
 * session lock, on a database connection of its own. It leaves when the parent has nothing more
 * to hand out, or is gone, after the session in hand: that run commits as it goes, so finishing
 * it is as safe as stopping, and wastes nothing.
 */

// As in the parent: git is asked about each repository once, not once per session.
rememberRepoState();
const dir = z.string().refine(isAbsolute, 'the state folder, an absolute path').parse(process.argv[2]);
const db = openDb(dir);
const log = createLogger(dir, 'backfill');
// The parent hands sessions over with their repository only when the state database knew it.
const pins = new OutputPins();

// A Ctrl-C in a terminal reaches the whole process group: the parent decides what it means
// (finish the sessions in hand, or stop at once, when it sends SIGTERM).
process.on('SIGINT', () => undefined);
// process.exit runs the exit hooks that stop what a run left going (evaluator/leftovers.ts).
process.on('SIGTERM', () => process.exit(143));

let queue: Promise<void> = Promise.resolve();

/**
 * Closes the channel from this end when the parent says there is nothing more: closed from the
 * parent's end, the parent is never told the process has ended ('close' never comes).
 */
const leave = () => {
  queue = queue.then(() => {
    if (db.open) db.close();
    if (process.connected) process.disconnect();
  });
};

process.on('message', (raw: unknown) => {
  const msg = ToChild.parse(raw);
  if (msg.type === 'stop') return leave();
  queue = queue.then(async () => {
    const done: DoneMessage = { type: 'done', id: msg.id, result: await runOne(db, dir, log, msg.task, pins) };
    // Gone parent: the run is in the state database all the same; the next backfill counts it.
    if (process.connected)
      process.send?.(
        done,
        (err: Error | null) =>
          err && log.warn({ err, session: msg.task.sessionId }, 'backfill: result not delivered to the parent'),
      );
  });
});

// The parent is gone (killed): the session in hand is finished, as a stop would have it.
process.on('disconnect', leave);
