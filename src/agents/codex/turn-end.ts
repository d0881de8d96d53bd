import type { HookPayload } from '../../hooks/payload.js';
import type { TurnEnd } from '../../worker/stop-wait.js';

/** Codex: the turn's `task_complete` (or `turn_aborted`) record, which follows Stop by ~10–20 ms. */
export function holdsTurnComplete(payload: HookPayload): TurnEnd {
  const turnId = payload.turn_id;
  const id = turnId ? Buffer.from(`"turn_id":${JSON.stringify(turnId)}`) : null;
  const ends = [Buffer.from('"type":"task_complete"'), Buffer.from('"type":"turn_aborted"')];
  return (bytes) => {
    for (const end of ends) {
      for (let at = bytes.indexOf(end); at >= 0; at = bytes.indexOf(end, at + 1)) {
        if (!id) return true;
        const start = bytes.lastIndexOf(0x0a, at) + 1;
        const stop = bytes.indexOf(0x0a, at);
        if (bytes.subarray(start, stop < 0 ? bytes.length : stop).includes(id)) return true;
      }
    }
    return false;
  };
}
