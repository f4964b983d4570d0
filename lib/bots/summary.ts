import { GroupResult, GroupSnapshot } from './BotGroup';
import { addTraffic, emptyTraffic, ReceivedTraffic, SentTraffic } from './traffic';

/** Quantiles of a measurement across bots; null where there was no sample. */
export interface Distribution {
  /** The median. */
  p50: number | null;
  /** The 99th percentile. */
  p99: number | null;
  /** The largest sample. */
  max: number | null;
  /** How many samples. */
  samples: number;
}

/** The bots at one second of a run: a line of the progress display, a point of the chart. */
export interface BotsProgress {
  /** Seconds since the run started: 1, 2, 3… */
  elapsedS: number;
  /** Bots started so far. */
  started: number;
  /** Bots joined and connected now. */
  joined: number;
  /** Bots that never joined. */
  failed: number;
  /** Bots that joined, then lost the connection. */
  disconnected: number;
  /** ENet round-trip time of the joined bots now, ms. */
  rttMs: Distribution;
  /** ENet packet-loss estimate of the joined bots now, 0 … 1. */
  loss: Distribution;
}

/** What `runBots` found: the end-of-run summary, which `--json` prints as one line. */
export interface BotsSummary {
  /** Bots asked for. */
  bots: number;
  /** Worker threads they ran on. */
  threads: number;
  /** Seconds from the first bot's start to the last one's leaving. */
  elapsedS: number;
  /** Whether the run was stopped early (Ctrl-C, or the `signal` option). */
  interrupted: boolean;
  /** Bots that joined (connected and, with a token, authenticated). */
  joined: number;
  /** Bots that never joined. */
  failed: number;
  /** Why they did not: reason → how many ('connection failed', 'authentication failed', 'join timed out', 'DTLS: …'). */
  failures: Record<string, number>;
  /** Bots that joined, then lost the connection before the end (server kicked them, left or timed out). */
  disconnects: number;
  /** Time from a bot's start to joining, ms, across the bots that joined. */
  joinMs: Distribution;
  /** ENet's round-trip time (Godot's `PEER_ROUND_TRIP_TIME`), ms: every joined bot, every second. */
  rttMs: Distribution;
  /** ENet's packet-loss estimate (Godot's `PEER_PACKET_LOSS`, 0 … 1), sampled as `rttMs`. */
  loss: Distribution;
  /** What the bots sent. */
  sent: SentTraffic;
  /** What the bots received: from the server itself, and relayed from other clients. */
  received: ReceivedTraffic;
  /** One entry a second: bots joined, round-trip time and loss as the run went. */
  timeline: BotsProgress[];
}

/** Nearest-rank quantiles of `values`. */
export function distribution(values: number[]): Distribution {
  if (values.length === 0) return { p50: null, p99: null, max: null, samples: 0 };
  const sorted = Float64Array.from(values).sort();
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1], samples: sorted.length };
}

/** The run's progress from each thread's latest snapshot. */
export function progress(elapsedS: number, snapshots: GroupSnapshot[]): BotsProgress {
  const sum = (key: 'started' | 'joined' | 'failed' | 'disconnected') => snapshots.reduce((total, s) => total + s[key], 0);
  return {
    elapsedS,
    started: sum('started'),
    joined: sum('joined'),
    failed: sum('failed'),
    disconnected: sum('disconnected'),
    rttMs: distribution(snapshots.flatMap((s) => s.rttMs)),
    loss: distribution(snapshots.flatMap((s) => s.loss)),
  };
}

/** The summary from every thread's result. */
export function summarize(bots: number, elapsedS: number, interrupted: boolean, results: GroupResult[],
  timeline: BotsProgress[]): BotsSummary {
  const failures: Record<string, number> = {};
  for (const result of results) {
    for (const [reason, count] of Object.entries(result.failures)) failures[reason] = (failures[reason] ?? 0) + count;
  }
  const traffic = results.reduce((total, result) => addTraffic(total, result.traffic), emptyTraffic());
  const joined = results.reduce((total, result) => total + result.joined, 0);
  return {
    bots,
    threads: results.length,
    elapsedS,
    interrupted,
    joined,
    failed: bots - joined,
    failures,
    disconnects: results.reduce((total, result) => total + result.disconnects, 0),
    joinMs: distribution(results.flatMap((result) => result.joinMs)),
    rttMs: distribution(results.flatMap((result) => result.rttMs)),
    loss: distribution(results.flatMap((result) => result.loss)),
    sent: traffic.sent,
    received: traffic.received,
    timeline,
  };
}

const ms = (value: number | null) => (value === null ? '–' : `${value.toFixed(value < 10 ? 1 : 0)} ms`);
const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(2)} %`);

/**
 * One progress line: `12 s  joined 180/200  failed 0  disconnected 0  sending 180  RTT p50 3.0 ms
 * p99 12 ms  loss p99 0.00 %`. `sending`: whether the bots send (a rate above 0).
 */
export function progressLine(bots: number, at: BotsProgress, sending: boolean): string {
  return `${at.elapsedS} s  joined ${at.joined}/${bots}  failed ${at.failed}  disconnected ${at.disconnected}  `
    + `sending ${sending ? at.joined : 0}  RTT p50 ${ms(at.rttMs.p50)} p99 ${ms(at.rttMs.p99)}  loss p99 ${percent(at.loss.p99)}`;
}

/** The summary as lines of text for a person. */
export function summaryText(summary: BotsSummary): string {
  const s = summary;
  const reasons = Object.entries(s.failures).map(([reason, count]) => `${count} × ${reason}`).join(', ');
  return [
    `bots: ${s.bots} on ${s.threads} thread(s), ${s.elapsedS.toFixed(1)} s${s.interrupted ? ' (interrupted)' : ''}`,
    `joined: ${s.joined}   failed: ${s.failed}${reasons ? ` (${reasons})` : ''}   disconnects: ${s.disconnects}`,
    `time to join: p50 ${ms(s.joinMs.p50)}, p99 ${ms(s.joinMs.p99)}`,
    `ENet round trip: p50 ${ms(s.rttMs.p50)}, p99 ${ms(s.rttMs.p99)}, max ${ms(s.rttMs.max)}`,
    `ENet packet loss: p50 ${percent(s.loss.p50)}, p99 ${percent(s.loss.p99)}`,
    `sent: ${s.sent.packets} messages, ${s.sent.bytes} bytes (${s.sent.errors} failed sends); `
      + `${s.sent.datagrams} datagrams, ${s.sent.wireBytes} bytes on the wire`,
    `received: ${s.received.fromServer.packets} messages, ${s.received.fromServer.bytes} bytes from the server; `
      + `${s.received.relayed.packets} messages, ${s.received.relayed.bytes} bytes relayed from other clients; `
      + `${s.received.datagrams} datagrams, ${s.received.wireBytes} bytes on the wire`,
  ].join('\n');
}
