/**
 * Claims a batch's sends a chunk at a time, just ahead of the senders, instead of the whole batch
 * up front. A crash then leaves only a chunk or so claimed and not yet tried; through SMTP every
 * claimed send is reported `uncertain` and never resent, so the fewer the better. The next
 * chunk is claimed while the current one is still sending, so the senders never wait for it.
 */
export class ClaimAhead<T extends { send: { id: number } }> {
  private readonly ready: T[] = [];
  private cursor = 0;
  private claiming: Promise<void> | null = null;
  private error: unknown = null;
  private halted = false;

  /**
   * `claim` returns the ids it won (another worker may have taken some); a new chunk is claimed
   * when no more than `lowWater` claimed items are left waiting.
   */
  constructor(
    private readonly items: readonly T[],
    private readonly claim: (ids: number[]) => Promise<Set<number>>,
    private readonly chunk: number,
    private readonly lowWater: number,
  ) {}

  /** The next claimed item; undefined when every item was handed out or lost, or claiming failed. */
  async next(): Promise<T | undefined> {
    for (;;) {
      if (this.error || this.halted) return undefined;
      if (!this.claiming && this.ready.length <= this.lowWater && this.cursor < this.items.length) this.claimChunk();
      const item = this.ready.shift();
      if (item) return item;
      if (!this.claiming) return undefined;
      await this.claiming;
    }
  }

  /**
   * No further claim starts and `next` hands out nothing more: a send failed in a way the rest
   * would too, or the process is stopping. Takes effect at once, between two sends.
   */
  halt(): void {
    this.halted = true;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  /**
   * Once the senders are done: what was claimed but never handed out (after a halt, or a claim
   * that landed when nobody was left to take it), for the caller to release.
   */
  async unclaimed(): Promise<T[]> {
    this.halted = true;
    while (this.claiming) await this.claiming;
    return this.ready.splice(0);
  }

  /** Why claiming stopped, if it failed: the caller rethrows it once its sends are recorded. */
  get failure(): unknown {
    return this.error;
  }

  private claimChunk(): void {
    const chunk = this.items.slice(this.cursor, (this.cursor += this.chunk));
    this.claiming = this.claim(chunk.map((item) => item.send.id))
      .then(
        (won) => void this.ready.push(...chunk.filter((item) => won.has(item.send.id))),
        (error: unknown) => void (this.error = error),
      )
      .finally(() => (this.claiming = null));
  }
}
