import { userInfo } from 'node:os';
import { gitUserEmail } from './git.js';
import { safeFolderName } from './ids.js';

/**
 * Whose folder under `.changelog/` an entry goes to: the configured actor (config already folds in
 * SHIPLOG_ACTOR, CTX_ACTOR and CHANGELOG_ACTOR), else the git user e-mail, else the OS user.
 * Always a single safe folder name, whatever the source says.
 */
export async function resolveActor(configured: string | undefined, repo: string): Promise<string> {
  return (await actorInEffect(configured, repo)).value;
}

/** The actor and where it came from, for `shiplog config show`. */
export async function actorInEffect(
  configured: string | undefined,
  repo: string,
): Promise<{ value: string; from: 'config' | 'git user.email' | 'OS user' }> {
  if (configured) return { value: safeFolderName(configured), from: 'config' };
  const email = await gitUserEmail(repo);
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
