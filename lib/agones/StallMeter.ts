import { performance } from 'node:perf_hooks';

/**
 * The longest event-loop stall since last asked, seen by a fine timer as the time its runs came
 * late. (perf_hooks' monitorEventLoopDelay misses a single long block: it records no sample.)
 */
export class StallMeter {
  static readonly #PERIOD_MS = 50;
  readonly #timer: NodeJS.Timeout;
  #last = performance.now();
  #longest = 0;

  /** Starts measuring (the timer does not keep the process alive). */
  constructor() {
    this.#timer = setInterval(() => this.#sample(), StallMeter.#PERIOD_MS).unref();
  }

  /** The longest stall (ms) since the previous call, the one going on now included. */
  takeLongest(): number {
    this.#sample();
    const longest = Math.round(this.#longest);
    this.#longest = 0;
    return longest;
  }

  /** Stops measuring. */
  stop(): void {
    clearInterval(this.#timer);
  }

  #sample(): void {
    const now = performance.now();
    this.#longest = Math.max(this.#longest, now - this.#last - StallMeter.#PERIOD_MS);
    this.#last = now;
  }
}
