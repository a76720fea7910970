/**
 * A request-rate cap: spaces request starts so that at most `rate` start per second. A target
 * that throttles halves the rate (from the rate observed so far when there was no cap) and may
 * pause every start until its Retry-After has passed.
 */
export class Pacer {
  private nextStart = 0;
  private firstStart: number | undefined;
  private starts = 0;
  private rate: number | undefined;

  constructor(rate: number | undefined) {
    this.rate = rate && rate > 0 ? rate : undefined;
  }

  /** The current cap in requests per second; undefined = none. */
  get ratePerSecond(): number | undefined {
    return this.rate;
  }

  /** Books the next start slot and returns how many ms to wait for it (0 without a cap or a pause). */
  nextDelay(now = Date.now()): number {
    this.firstStart ??= now;
    this.starts++;
    const start = Math.max(now, this.nextStart);
    this.nextStart = this.rate ? start + 1000 / this.rate : start;
    return start - now;
  }

  /** No request starts before `at` (epoch ms): the target asked to wait (Retry-After). */
  pauseUntil(at: number): void {
    this.nextStart = Math.max(this.nextStart, at);
  }

  /**
   * Halves the rate and returns the new one. Without a cap the rate observed so far (starts per
   * second since the first) is halved: the target throttled at about that rate.
   */
  halve(now = Date.now()): number {
    const current = this.rate ?? this.observedRate(now);
    this.rate = Math.max(current / 2, Math.min(current, MIN_RATE));
    return this.rate;
  }

  /** Sets the cap back to what it was (undefined: none): the throttling turned out to be one request's refusal. */
  restore(rate: number | undefined): void {
    this.rate = rate;
  }

  private observedRate(now: number): number {
    if (this.firstStart === undefined || this.starts === 0) return MIN_RATE * 2;
    // at least one second: a burst of a few starts is not a rate of thousands a second
    return this.starts / Math.max(1, (now - this.firstStart) / 1000);
  }
}

/** Halving stops here (one request every 5 s), unless the configured rate was lower already. */
const MIN_RATE = 0.2;
