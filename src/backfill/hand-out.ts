/**
 * Which session `backfill --jobs N` hands to which process. A repository belongs to the first
 * process that runs one of its sessions, and gets the repository's other sessions, oldest first;
 * a process with none of its own left takes the oldest session of a repository nobody has yet,
 * and only when there is none, the oldest left anywhere (so no process idles while another has a
 * queue). Each process then asks git about its own repositories only (it remembers the answers,
 * see rememberRepoState; a git start is most of a small session's cost), and a repository's
 * entries.jsonl grows in the order the work happened, as with --jobs 1, except at the very end.
 */
export class HandOut {
  private readonly taken: boolean[];
  private readonly queues = new Map<string, number[]>();
  /** Repositories in the order of their oldest session. */
  private readonly groups: string[] = [];
  private readonly owner = new Map<string, number>();
  private readonly owned = new Map<number, string[]>();
  /** Every repository before it has an owner; every session before `first` is taken. */
  private nextGroup = 0;
  private first = 0;
  private left: number;

  /** `groups[i]`: the repository of the i-th session of the plan. */
  constructor(groups: readonly string[]) {
    this.taken = groups.map(() => false);
    this.left = groups.length;
    groups.forEach((g, i) => {
      const queue = this.queues.get(g);
      if (queue) queue.push(i);
      else {
        this.queues.set(g, [i]);
        this.groups.push(g);
      }
    });
  }

  get remaining(): number {
    return this.left;
  }

  /** The place of the next session for process `worker`; null when none is left. */
  next(worker: number): number | null {
    const mine = this.owned.get(worker) ?? [];
    for (const g of mine) {
      const i = this.oldestOf(g);
      if (i !== null) return this.take(i);
    }
    while (this.nextGroup < this.groups.length) {
      const g = this.groups[this.nextGroup++];
      if (g === undefined || this.owner.has(g)) continue;
      const i = this.oldestOf(g);
      if (i === null) continue;
      this.owner.set(g, worker);
      this.owned.set(worker, [...mine, g]);
      return this.take(i);
    }
    while (this.first < this.taken.length && this.taken[this.first]) this.first++;
    return this.first < this.taken.length ? this.take(this.first) : null;
  }

  private oldestOf(group: string): number | null {
    const queue = this.queues.get(group) ?? [];
    while (queue.length > 0 && this.taken[queue[0] ?? 0]) queue.shift();
    return queue[0] ?? null;
  }

  private take(i: number): number {
    this.taken[i] = true;
    this.left--;
    return i;
  }
}
