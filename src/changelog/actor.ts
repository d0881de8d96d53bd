import { userInfo } from 'node:os';
import { gitUserEmail } from '../git.js';
import { safeFolderName } from '../ids.js';

/**
 * Whose folder under `.changelog/` an entry goes to: the configured actor (config already folds in
 * SHIPLOG_ACTOR, CTX_ACTOR and CHANGELOG_ACTOR), else the git user e-mail, else the OS user.
 * Always a single safe folder name, whatever the source says.
 */
export async function resolveActor(configured: string | undefined, repo: string): Promise<string> {
  if (configured) return safeFolderName(configured);
  const email = await gitUserEmail(repo);
  if (email) return safeFolderName(email);
  return safeFolderName(osUser());
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo throws when the uid has no passwd entry (some containers): fall back to $USER.
    return process.env.USER ?? 'unknown';
  }
}
