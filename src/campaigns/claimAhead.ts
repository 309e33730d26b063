/**
 * Claims a batch's sends a chunk at a time, just ahead of the senders, instead of the whole batch
 * up front. The next chunk is claimed while the current one is still sending, so the senders
 * never wait for it. With a `hand` step, claimed sends are stamped as handed to the mailer a few
 * at a time, just before they start: a dead worker's claims that were never handed over are
 * known not to have left (sent again), only the handed ones are in doubt (`uncertain`).
 */
export interface HandStep {
  /** Stamps the ids as handed; returns the ones still claimed by this worker. */
  mark: (ids: number[]) => Promise<Set<number>>;
  /** Sends stamped per statement. */
  chunk: number;
}

export class ClaimAhead<T extends { send: { id: number } }> {
  /** Claimed, not yet handed (only with a hand step). */
  private readonly claimed: T[] = [];
  /** Ready to hand out to a sender. */
  private readonly ready: T[] = [];
  private cursor = 0;
  private claiming: Promise<void> | null = null;
  private handing: Promise<void> | null = null;
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
    private readonly hand?: HandStep,
  ) {}

  /** The next claimed (and handed) item; undefined when every item was handed out or lost, or claiming failed. */
  async next(): Promise<T | undefined> {
    for (;;) {
      if (this.error || this.halted) return undefined;
      if (!this.claiming && this.claimed.length + this.ready.length <= this.lowWater && this.cursor < this.items.length) this.claimChunk();
      // Stamped just ahead of need, half a stamp's worth early: few are in doubt, senders rarely wait.
      if (this.hand && !this.handing && this.claimed.length && this.ready.length <= this.hand.chunk / 2) this.handChunk(this.hand);
      const item = this.ready.shift();
      if (item) return item;
      const busy = [this.claiming, this.handing].filter((p): p is Promise<void> => p !== null);
      if (!busy.length) return undefined;
      await Promise.race(busy);
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
    while (this.claiming || this.handing) await (this.claiming ?? this.handing);
    return [...this.claimed.splice(0), ...this.ready.splice(0)];
  }

  /** Why claiming stopped, if it failed: the caller rethrows it once its sends are recorded. */
  get failure(): unknown {
    return this.error;
  }

  private claimChunk(): void {
    const chunk = this.items.slice(this.cursor, (this.cursor += this.chunk));
    const to = this.hand ? this.claimed : this.ready;
    this.claiming = this.claim(chunk.map((item) => item.send.id))
      .then(
        (won) => void to.push(...chunk.filter((item) => won.has(item.send.id))),
        (error: unknown) => void (this.error = error),
      )
      .finally(() => (this.claiming = null));
  }

  private handChunk(hand: HandStep): void {
    const chunk = this.claimed.splice(0, hand.chunk);
    this.handing = hand.mark(chunk.map((item) => item.send.id))
      .then(
        (kept) => void this.ready.push(...chunk.filter((item) => kept.has(item.send.id))),
        (error: unknown) => {
          // Not stamped: give them back with the rest, as never handed.
          this.claimed.unshift(...chunk);
          this.error = error;
        },
      )
      .finally(() => (this.handing = null));
  }
}
