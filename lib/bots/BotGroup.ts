import { X509Certificate } from '../X509Certificate';
import { TLSOptions } from '../TLSOptions';
import { Bot, BotSetup } from './Bot';
import { CheckedBotsOptions } from './options';
import { rpcArguments } from './rpcArguments';
import { emptyTraffic, Traffic } from './traffic';

/** A thread's bots at one moment: what the progress line and the chart show. */
export interface GroupSnapshot {
  /** Bots started so far. */
  started: number;
  /** Bots joined and still connected. */
  joined: number;
  /** Bots that never joined. */
  failed: number;
  /** Bots that joined, then lost the connection. */
  disconnected: number;
  /** Each joined bot's ENet round-trip time now, ms. */
  rttMs: number[];
  /** Each joined bot's ENet packet-loss estimate now, 0 … 1. */
  loss: number[];
}

/** A thread's bots at the end: what the summary adds up. */
export interface GroupResult {
  /** Bots that joined. */
  joined: number;
  /** Each joined bot's time to join, ms. */
  joinMs: number[];
  /** Why bots never joined: reason → how many. */
  failures: Record<string, number>;
  /** Bots that joined, then lost the connection before the end. */
  disconnects: number;
  /** Every second's round-trip time of every joined bot, ms. */
  rttMs: number[];
  /** Every second's packet-loss estimate of every joined bot. */
  loss: number[];
  /** What the bots sent and received. */
  traffic: Traffic;
}

/** How often bots start and send (ms): rates up to 100 Hz per bot go out evenly. */
const TICK_MS = 10;
const SAMPLE_MS = 1000;
/** After the last message, the bots leave once nothing has arrived for QUIET_MS, at most MAX_DRAIN_MS. */
const QUIET_MS = 300;
const MAX_DRAIN_MS = 3000;

/**
 * The bots one thread drives: bot `index` starts at `startAt` (ms since the epoch, the same on
 * every thread) plus `index / rampPerSecond` seconds; all send until `durationS` after the last
 * one started (and until every bot has joined or failed), wait for the server's last answers,
 * then leave. Each second it samples round-trip times for `onSnapshot`.
 */
export class BotGroup {
  readonly #options: CheckedBotsOptions;
  readonly #indices: number[];
  readonly #startAt: number;
  readonly #onSnapshot: (second: number, snapshot: GroupSnapshot) => void;
  readonly #result: GroupResult = { joined: 0, joinMs: [], failures: {}, disconnects: 0, rttMs: [], loss: [], traffic: emptyTraffic() };
  #stop: (() => void) | undefined;
  #stopped = false;

  /**
   * `indices`: which of the run's bots are this thread's, in order. `onSnapshot` is called at
   * `startAt` + 1 s, + 2 s…, with the second's number, on every thread alike.
   */
  constructor(options: CheckedBotsOptions, indices: number[], startAt: number,
    onSnapshot: (second: number, snapshot: GroupSnapshot) => void) {
    this.#options = options;
    this.#indices = indices;
    this.#startAt = startAt;
    this.#onSnapshot = onSnapshot;
  }

  /** Runs the bots to the end (or `stop()`), then makes them leave; resolves with the figures. */
  async run(): Promise<GroupResult> {
    const options = this.#options;
    const setup: BotSetup = {
      options,
      payload: Buffer.alloc(options.size, 0x42),
      rpcArguments: options.rpc && rpcArguments(options.rpc),
      tls: options.dtlsHostname === undefined ? undefined
        : TLSOptions.client(options.dtlsCa === undefined ? null : X509Certificate.fromPem(options.dtlsCa)),
      traffic: this.#result.traffic,
    };
    const bots = this.#indices.map(() => new Bot(setup));
    const origin = performance.now() + (this.#startAt - Date.now());
    const rampMs = options.rampPerSecond > 0 ? 1000 / options.rampPerSecond : 0;
    const startTimes = this.#indices.map((index) => origin + index * rampMs);
    const end = origin + (options.count - 1) * rampMs + options.durationS * 1000;
    let started = 0;

    await new Promise<void>((resolve) => {
      const ticker = setInterval(() => {
        const now = performance.now();
        while (started < bots.length && startTimes[started] <= now) bots[started++].start();
        for (const bot of bots) bot.sendDue(now);
        if (now >= end && started === bots.length && bots.every((bot) => bot.state !== 'joining')) this.stop();
      }, TICK_MS);
      let sampler: NodeJS.Timeout;
      const sampleAt = (second: number) => {
        sampler = setTimeout(() => {
          this.#onSnapshot(second, this.#sample(bots, started));
          sampleAt(second + 1);
        }, origin + second * SAMPLE_MS - performance.now());
      };
      sampleAt(1);
      this.#stop = () => {
        clearInterval(ticker);
        clearTimeout(sampler);
        resolve();
      };
      if (this.#stopped) this.#stop();
    });
    this.#sample(bots, started);
    await this.#drain();
    await Promise.all(bots.map((bot) => bot.leave()));
    for (const bot of bots) this.#tally(bot);
    return this.#result;
  }

  /** Waits for the server's answers to the last messages, still on their way. */
  async #drain(): Promise<void> {
    const { received } = this.#result.traffic;
    const deadline = performance.now() + MAX_DRAIN_MS;
    for (let before = -1; received.packets !== before && performance.now() < deadline;) {
      before = received.packets;
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    }
  }

  /** Ends the run now (Ctrl-C): bots stop starting and sending, and leave. */
  stop(): void {
    this.#stopped = true;
    this.#stop?.();
  }

  #sample(bots: Bot[], started: number): GroupSnapshot {
    const snapshot: GroupSnapshot = { started, joined: 0, failed: 0, disconnected: 0, rttMs: [], loss: [] };
    for (const bot of bots) {
      if (bot.state === 'joined') snapshot.joined++;
      else if (bot.state === 'failed') snapshot.failed++;
      else if (bot.state === 'disconnected') snapshot.disconnected++;
      const sample = bot.sample();
      if (!sample) continue;
      snapshot.rttMs.push(sample.rttMs);
      snapshot.loss.push(sample.loss);
    }
    this.#result.rttMs.push(...snapshot.rttMs);
    this.#result.loss.push(...snapshot.loss);
    return snapshot;
  }

  #tally(bot: Bot): void {
    const result = this.#result;
    if (bot.state === 'failed') {
      result.failures[bot.failure] = (result.failures[bot.failure] ?? 0) + 1;
      return;
    }
    result.joined++;
    result.joinMs.push(bot.joinMs);
    if (bot.state === 'disconnected') result.disconnects++;
  }
}
