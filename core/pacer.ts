/** A request-rate cap: spaces request starts so that at most `rate` start per second. */
export class Pacer {
  private nextStart = 0;

  constructor(private readonly rate: number | undefined) {}

  /** Books the next start slot and returns how many ms to wait for it (0 without a cap). */
  nextDelay(now = Date.now()): number {
    if (!this.rate) return 0;
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + 1000 / this.rate;
    return start - now;
  }
}
