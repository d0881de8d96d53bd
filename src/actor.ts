import { userInfo } from 'node:os';
import { type GitOptions, gitUserEmail } from './git.js';
import { safeFolderName } from './ids.js';
import { ShiplogError } from './kit/shiplog-error.js';

/**
 * Whose folder under `.changelog/` an entry goes to: the configured actor (config already folds in
 * SHIPLOG_ACTOR, CTX_ACTOR and CHANGELOG_ACTOR), else the git user e-mail, else the OS user.
 * Always a single safe folder name, whatever the source says.
 */
export async function resolveActor(configured: string | undefined, repo: string, opts?: GitOptions): Promise<string> {
  return (await actorInEffect(configured, repo, opts)).value;
}

/** The actor and where it came from, for `shiplog config show`. */
export async function actorInEffect(
  configured: string | undefined,
  repo: string,
  opts?: GitOptions,
): Promise<{ value: string; from: 'config' | 'git user.email' | 'OS user' }> {
  if (configured) return { value: safeFolderName(configured), from: 'config' };
  const email = await gitUserEmail(repo, opts);
  // No answer is not "no e-mail": the OS user would file the entry under another actor for good.
  // The run fails instead, its windows stay in the outbox, and the next run asks again.
  if (email === undefined) throw new ActorUnknown(repo);
  if (email) return { value: safeFolderName(email), from: 'git user.email' };
  return { value: safeFolderName(osUser()), from: 'OS user' };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo throws when the uid has no passwd entry (some containers): fall back to $USER.
    return process.env.USER ?? 'unknown';
  }
}

/** git did not answer the question of whose entries these are; asked again on the next run. */
class ActorUnknown extends ShiplogError {
  constructor(repo: string) {
    super('EACTOR', `git did not answer for user.email in ${repo}; the entries wait for the next run`);
    this.name = 'ActorUnknown';
  }
}
