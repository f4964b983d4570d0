/**
 * A token bucket: `rate` tokens a second, holding at most `capacity`, full at the start. Refilled
 * lazily from the clock when asked, so an idle bucket costs nothing. Internal to the server's
 * per-peer budgets.
 */
export class TokenBucket {
  #tokens: number;
  #refilledAt: number;

  constructor(readonly rate: number, readonly capacity: number, now: number) {
    this.#tokens = capacity;
    this.#refilledAt = now;
  }

  /**
   * Takes `amount` tokens unless the bucket is empty or in debt (false). A take may overdraw:
   * the bucket then refuses until the rate has paid the debt back, so a single item larger
   * than the capacity still passes once, and the average stays within the rate.
   */
  take(amount: number, now: number): boolean {
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#refilledAt) * this.rate) / 1000);
    this.#refilledAt = now;
    if (this.#tokens <= 0) return false;
    this.#tokens -= amount;
    return true;
  }
}
