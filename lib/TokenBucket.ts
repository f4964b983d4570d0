/**
 * A token bucket: `rate` tokens a second, holding at most `capacity`, full at the start; both
 * times a `scale` given with each take. Refilled lazily from the clock when asked, so an idle
 * bucket costs nothing. Internal to the server's per-peer budgets.
 */
export class TokenBucket {
  #tokens: number;
  #refilledAt: number;

  constructor(readonly rate: number, readonly capacity: number, now: number) {
    this.#tokens = Infinity;  // full at the first take's scale
    this.#refilledAt = now;
  }

  /**
   * Takes `amount` tokens if the bucket holds them (true), else takes nothing (false). An amount
   * over the capacity is taken from a full bucket, into debt that the rate pays back before the
   * next take: so such an item still passes, and the average stays within the rate.
   */
  take(amount: number, now: number, scale = 1): boolean {
    const capacity = this.capacity * scale;
    this.#tokens = Math.min(capacity, this.#tokens + ((now - this.#refilledAt) * this.rate * scale) / 1000);
    this.#refilledAt = now;
    if (this.#tokens < Math.min(amount, capacity)) return false;
    this.#tokens -= amount;
    return true;
  }
}
