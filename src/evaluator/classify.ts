/**
 * What kind of failure an evaluator CLI reported, from its own words. Decides what happens
 * next: a smaller digest (overflow, timeout), a pause for every worker (auth, rate limit), or a
 * failure record the user retries (the rest).
 */
export type EvalFailureKind = 'overflow' | 'timeout' | 'auth' | 'rate_limit' | 'malformed' | 'not_found' | 'failed';

const RATE = /\b429\b|too many requests|usage[ _]limit|rate[ _-]?limit|quota|overloaded_error|insufficient_quota/i;
const AUTH =
  /\b40[13]\b|unauthori[sz]ed|forbidden|invalid[ _-]?(x-)?api[ _-]?key|authentication|not logged in|please run \/login|\/login|log ?in again|expired token|token (has )?expired|auth\.json/i;
const OVERFLOW =
  /context[ _]window|context[ _]length|prompt is too long|too many tokens|maximum context|ran out of room|input is too long|exceeds the context/i;

/** Rate before auth: "usage limit … log in to upgrade" is a limit, not a lost login. */
export function classifyText(text: string): 'overflow' | 'auth' | 'rate_limit' | null {
  if (OVERFLOW.test(text)) return 'overflow';
  if (RATE.test(text)) return 'rate_limit';
  if (AUTH.test(text)) return 'auth';
  return null;
}

/** From an HTTP status the CLI reported, when it says one. */
export function classifyStatus(status: number | null | undefined): 'auth' | 'rate_limit' | null {
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  return null;
}

/** Whether the failure stops every evaluator call for a while. */
export function pausesEvaluator(kind: EvalFailureKind): kind is 'auth' | 'rate_limit' {
  return kind === 'auth' || kind === 'rate_limit';
}
