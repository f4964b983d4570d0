import { performance } from 'node:perf_hooks';
import { integer } from './arguments';
import { ENetError, ErrorCode } from './errors';
import { TokenBucket } from './TokenBucket';

/**
 * What one client may cost a `SceneMultiplayerServer` (its `budgets` option); 0 turns a budget
 * off, as Godot has none. The defaults are far above what a Godot 4 game sends (a client
 * playing at 60 Hz sends a few hundred packets and a few KB a second), so they only ever stop
 * abuse; docs/guide.md ("Per-peer budgets") gives the reasoning for each. The rates are token
 * buckets that hold 2 seconds' worth: bursts after packet loss or a hitch pass.
 */
export interface PeerBudgets {
  /**
   * Packets a second a client may send (SceneMultiplayer frames, relay requests included) for
   * each client connected, itself included: Godot 4.4+ sends an RPC to all as one packet to each
   * other client (relayed) and one to the server. Default 1000: 16 a frame at 60 Hz to everyone.
   * Over it, packets are dropped unread and counted.
   */
  packetsPerSecond: number;
  /** Bytes a second a client may send (payload, as `PeerStats.bytesIn`); default 1 MiB. Over it: dropped. */
  bytesPerSecond: number;
  /**
   * Bytes a second a client's relay requests may make the server send, counting every copy
   * (a relay to all of N clients costs N − 1 copies), so that relaying cannot amplify past it;
   * default 2 MiB. Over it, the relay is dropped for every destination.
   */
  relayBytesPerSecond: number;
  /** Largest auth message (the data of `07 00 <data>`) a client may send; default 16 KiB. Larger: auth fails. */
  maxAuthBytes: number;
  /** Largest packet a client may have relayed (without the 6-byte relay header); default 64 KiB. Larger: dropped. */
  maxRelayBytes: number;
  /**
   * Malformed frames (see {@link MisbehaviourReason}) a client may send before it is kicked,
   * forgiven at this many a minute; default 100. Past it, 'peerMisbehaved' fires and the client
   * is kicked.
   */
  maxMalformed: number;
}

/** The budgets a `SceneMultiplayerServer` applies unless told otherwise (see {@link PeerBudgets}). */
export const DEFAULT_BUDGETS: Readonly<PeerBudgets> = Object.freeze({
  packetsPerSecond: 1000,
  bytesPerSecond: 1024 * 1024,
  relayBytesPerSecond: 2 * 1024 * 1024,
  maxAuthBytes: 16 * 1024,
  maxRelayBytes: 64 * 1024,
  maxMalformed: 100,
});

/**
 * Why a frame from a client counts as malformed (Godot prints an error and ignores each):
 * - `empty`: a packet of no bytes;
 * - `truncated`: shorter than its header (a system command under 6 bytes, raw bytes or a
 *   relay with nothing inside);
 * - `unknown-command`: a system command a client never sends (peer announcements `07 01`/`07 02`,
 *   unknown numbers) or a system command inside a relay;
 * - `auth-after-join`: an auth message with data from a client that has joined;
 * - `auth-too-large`: an auth message over `maxAuthBytes`;
 * - `relay-disabled`: a relay request to a server without relay;
 * - `relay-to-unknown-peer`: to an ID that is not a client (nor left in the last minute);
 * - `relay-to-self`: a relay addressed to its own sender;
 * - `malformed-rpc`: an RPC or path-cache frame that cannot be parsed (header, IDs, arguments)
 *   or that reuses a cache ID. A well-formed call Godot would refuse (unknown node or method,
 *   not allowed, wrong arguments) is only refused ('rpcRefused'), as games may call nodes the
 *   server does not declare.
 */
export type MisbehaviourReason = 'empty' | 'truncated' | 'unknown-command' | 'auth-after-join' | 'auth-too-large'
  | 'relay-disabled' | 'relay-to-unknown-peer' | 'relay-to-self' | 'malformed-rpc';

/** What a client's budgets dropped and its malformed frames, by reason; also server-wide totals. */
export interface BudgetCounts {
  /** Packets dropped for going over `packetsPerSecond` or `bytesPerSecond`. */
  packetsDropped: number;
  /** Bytes of those packets. */
  bytesDropped: number;
  /** Relay requests dropped for going over `relayBytesPerSecond` or `maxRelayBytes`. */
  relaysDropped: number;
  /** Malformed frames received. */
  malformed: number;
  /** Malformed frames by reason (reasons seen only). */
  malformedByReason: Partial<Record<MisbehaviourReason, number>>;
}

/** Seconds' worth of its rate that each bucket holds. */
const BURST_SECONDS = 2;
/** `maxMalformed` frames are forgiven over this period. */
const MALFORMED_FORGIVEN_SECONDS = 60;

/** `DEFAULT_BUDGETS` with `changes` applied, each checked; throws ERR_INVALID_PARAMETER. */
export function mergeBudgets(changes: Partial<PeerBudgets> = {}): PeerBudgets {
  if (typeof changes !== 'object' || changes === null) {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'budgets must be an object');
  }
  const merged = { ...DEFAULT_BUDGETS };
  for (const [name, value] of Object.entries(changes)) {
    if (!(name in DEFAULT_BUDGETS)) throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `unknown budget '${name}'`);
    if (value !== undefined) merged[name as keyof PeerBudgets] = integer(`budgets.${name}`, value, 0, 0x7fffffff);
  }
  return merged;
}

/** An empty set of counts. */
export function noCounts(): BudgetCounts {
  return { packetsDropped: 0, bytesDropped: 0, relaysDropped: 0, malformed: 0, malformedByReason: {} };
}

/** A bucket of `perPeriod` tokens refilled every `periodSeconds`; none for 0 (no budget). */
function bucket(perPeriod: number, periodSeconds: number, now: number): TokenBucket | undefined {
  return perPeriod > 0 ? new TokenBucket(perPeriod / periodSeconds, perPeriod, now) : undefined;
}

/**
 * One client's budgets on a server: its buckets and what they dropped, added to the server's
 * `totals` as well. Every check is O(1) and a client's state is a few numbers, so abuse costs
 * the server no memory beyond what ENet holds for any client.
 */
export class PeerBudget {
  readonly counts = noCounts();
  readonly #packets: TokenBucket | undefined;
  readonly #bytes: TokenBucket | undefined;
  readonly #relayBytes: TokenBucket | undefined;
  readonly #malformed: TokenBucket | undefined;

  constructor(readonly budgets: PeerBudgets, readonly totals: BudgetCounts) {
    const now = performance.now();
    this.#packets = bucket(budgets.packetsPerSecond * BURST_SECONDS, BURST_SECONDS, now);
    this.#bytes = bucket(budgets.bytesPerSecond * BURST_SECONDS, BURST_SECONDS, now);
    this.#relayBytes = bucket(budgets.relayBytesPerSecond * BURST_SECONDS, BURST_SECONDS, now);
    this.#malformed = bucket(budgets.maxMalformed, MALFORMED_FORGIVEN_SECONDS, now);
  }

  /** Whether a packet of `length` bytes from the client is within its budgets, `clients` connected; counts it dropped if not. */
  admit(length: number, clients: number): boolean {
    const now = performance.now();
    if ((this.#packets?.take(1, now, clients) ?? true) && (this.#bytes?.take(length, now) ?? true)) return true;
    this.#count('packetsDropped', 1);
    this.#count('bytesDropped', length);
    return false;
  }

  /** Whether the server may send `copies` copies of a relayed `frameLength`-byte frame; counts the relay dropped if not. */
  admitRelay(innerLength: number, frameLength: number, copies: number): boolean {
    const { maxRelayBytes } = this.budgets;
    if ((maxRelayBytes === 0 || innerLength <= maxRelayBytes)
      && (copies === 0 || (this.#relayBytes?.take(frameLength * copies, performance.now()) ?? true))) return true;
    this.#count('relaysDropped', 1);
    return false;
  }

  /** Whether an auth message of `length` bytes of data is within `maxAuthBytes`. */
  authFits(length: number): boolean {
    return this.budgets.maxAuthBytes === 0 || length <= this.budgets.maxAuthBytes;
  }

  /** Counts a malformed frame; true once the client is past `maxMalformed` (it should be kicked). */
  malformed(reason: MisbehaviourReason): boolean {
    this.#count('malformed', 1);
    for (const byReason of [this.counts.malformedByReason, this.totals.malformedByReason]) {
      byReason[reason] = (byReason[reason] ?? 0) + 1;
    }
    return !(this.#malformed?.take(1, performance.now()) ?? true);
  }

  #count(name: 'packetsDropped' | 'bytesDropped' | 'relaysDropped' | 'malformed', amount: number): void {
    this.counts[name] += amount;
    this.totals[name] += amount;
  }
}
