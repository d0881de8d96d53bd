import { resolveActor } from '../actor.js';
import type { Config } from '../config/config.js';
import { repoRoot } from '../git.js';

interface Pinnable {
  cwd: string;
  /** Already settled (the state database knew the session's repository): kept. */
  repo?: string;
  config: Config;
}

/**
 * Settles where a session's outputs go before it runs: its repository (the git top level of its
 * working folder) and its actor folder (the configured actor, else the repository's git e-mail).
 * Each is asked once per process: the top level is one of the questions rememberRepoState keeps
 * (a run of the session asks it again, answered from memory), and the actor per setting and
 * repository here. `shiplog backfill` pins every session before its runs start; with --jobs N each
 * session process pins the sessions it is handed, so the backfill itself starts no git before
 * they run (40 questions one after the other on 20 repositories, time no process shared).
 */
export class OutputPins {
  private readonly actors = new Map<string, Promise<string>>();

  async pin<T extends Pinnable>(s: T): Promise<T & { repo: string }> {
    const repo = s.repo ?? (await repoRoot(s.cwd));
    const configured = s.config.changelog.actor;
    const key = JSON.stringify([configured ?? null, repo]);
    let actor = this.actors.get(key);
    if (actor === undefined) {
      actor = resolveActor(configured, repo);
      this.actors.set(key, actor);
      // git that did not answer is asked again by the next session, not taken as the answer.
      actor.catch(() => this.actors.delete(key));
    }
    return { ...s, repo, config: { ...s.config, changelog: { ...s.config.changelog, actor: await actor } } };
  }
}
