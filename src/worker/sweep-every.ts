/**
 * At most one catch-up sweep a minute. Its own module: `shiplog status` checks it before starting
 * a sweep in the background, and should not load the sweep (every agent's discovery) to do so.
 */
export const SWEEP_EVERY_MS = 60_000;
