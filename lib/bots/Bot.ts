import { ENetConnection, HostStatistic } from '../ENetConnection';
import { ENetPacketPeer, PeerStatistic } from '../ENetPacketPeer';
import { ErrorCode } from '../errors';
import { SceneMultiplayerClient } from '../SceneMultiplayerClient';
import { COMMAND_MASK, COMMAND_RAW, COMMAND_SYS, SERVER_ID, SYS_COMMAND_SIZE, SYS_RELAY } from '../sceneFrames';
import { COMMAND_CONFIRM_PATH, COMMAND_SIMPLIFY_PATH } from '../rpc/wire';
import { TLSOptions } from '../TLSOptions';
import { CheckedBotsOptions } from './options';
import { Traffic } from './traffic';

/** What every bot of a thread shares: the options and what is made once from them. */
export interface BotSetup {
  /** The run's options. */
  options: CheckedBotsOptions;
  /** The bytes each raw message carries (or the RPC's payload argument). */
  payload: Buffer;
  /** The RPC's arguments for a call, when the bots call one. */
  rpcArguments?: (payload: Buffer, sequence: number) => unknown[];
  /** DTLS client options, when the server speaks DTLS. */
  tls?: TLSOptions;
  /** The thread's counters, which every bot adds to. */
  traffic: Traffic;
}

/** A bot's round-trip time is sampled from this long after it joined (its first ping is answered). */
const FIRST_SAMPLE_MS = 500;

/** Where a bot is. */
export type BotState = 'waiting' | 'joining' | 'joined' | 'failed' | 'disconnected' | 'left';

/**
 * One bot: a `SceneMultiplayerClient` that joins as a stock Godot client does (authenticating
 * when there is a token), then sends its messages when its thread's ticker says so.
 */
export class Bot {
  /** Where it is now. */
  state: BotState = 'waiting';
  /** Why it never joined (state 'failed'). */
  failure = '';
  /** Milliseconds from `start()` to joining. */
  joinMs = 0;
  readonly #setup: BotSetup;
  readonly #client: SceneMultiplayerClient;
  #host: ENetConnection | undefined;
  #startedAt = 0;
  #joinedAt = 0;
  #messages = 0;
  #dtlsFailure = '';
  #joinTimer: NodeJS.Timeout | undefined;

  /** Makes the bot's client (not connected yet: `start()`). */
  constructor(setup: BotSetup) {
    this.#setup = setup;
    const { options } = setup;
    this.#client = new SceneMultiplayerClient({
      address: options.address,
      port: options.port,
      compress: options.compress,
      // A server that sends auth messages of its own asks for more than a token: give up.
      auth: options.token === undefined ? undefined : () => false,
      authTimeoutMs: options.joinTimeoutMs,
      configureHost: (host) => {
        this.#host = host;
        if (setup.tls) host.dtlsClientSetup(options.dtlsHostname!, setup.tls);
        host.on('dtlsError', (error) => { this.#dtlsFailure = `DTLS: ${error.reason}`; });
      },
    });
    if (options.rpc) {
      for (const [path, methods] of Object.entries(options.rpc.nodes)) this.#client.addNode(path, methods);
    }
    this.#client.on('peerAuthenticating', () => {
      this.#client.sendAuth(Buffer.from(options.token!));
      this.#client.completeAuth();
    });
    this.#client.on('connectedToServer', () => {
      this.#joinedAt = performance.now();
      this.joinMs = this.#joinedAt - this.#startedAt;
      this.#settle('joined');
      // ENet's round-trip time is a 500 ms guess until a reliable command is acknowledged.
      this.#client.multiplayer.getPeer(SERVER_ID)?.ping();
    });
    this.#client.on('peerAuthenticationFailed', () => this.#fail(this.#dtlsFailure || 'authentication failed'));
    this.#client.on('connectionFailed', () => this.#fail(this.#dtlsFailure || 'connection failed'));
    this.#client.on('serverDisconnected', () => {
      if (this.state === 'joined') this.state = 'disconnected';
      else this.#fail(this.#dtlsFailure || 'disconnected before joining');
    });
    this.#client.multiplayer.on('packet', this.#count);
  }

  /** Connects; a bot that has not joined within `joinTimeoutMs` fails. */
  start(): void {
    this.state = 'joining';
    this.#startedAt = performance.now();
    try {
      this.#client.start();
    } catch (err) {
      this.#fail((err as Error).message);
      return;
    }
    this.#joinTimer = setTimeout(() => {
      this.#fail('join timed out');
      this.#client.close(0);
    }, this.#setup.options.joinTimeoutMs);
  }

  /**
   * Sends the messages due at `now` (performance.now()) at the bot's rate since it joined. After
   * a stall it catches up with at most one second's worth: a backlog beyond that is dropped.
   */
  sendDue(now: number): void {
    const { options, payload, rpcArguments, traffic } = this.#setup;
    if (this.state !== 'joined' || options.rateHz === 0) return;
    const expected = Math.floor(((now - this.#joinedAt) * options.rateHz) / 1000) + 1;
    const burst = Math.ceil(options.rateHz);
    this.#messages = Math.max(this.#messages, expected - burst);
    while (this.#messages < expected) {
      const sequence = this.#messages++;
      const result = rpcArguments
        ? this.#client.rpcId(SERVER_ID, options.rpc!.path, options.rpc!.method, ...rpcArguments(payload, sequence))
        : this.#client.sendBytes(payload, SERVER_ID, options.mode, options.channel);
      if (result === ErrorCode.OK) {
        traffic.sent.packets++;
        traffic.sent.bytes += payload.length;
      } else {
        traffic.sent.errors++;
      }
    }
  }

  /**
   * ENet's round-trip time (ms) and packet-loss estimate (0 … 1) of a bot joined for at least
   * half a second, else null.
   */
  sample(): { rttMs: number; loss: number } | null {
    this.#foldWireTraffic();
    const measured = this.state === 'joined' && performance.now() - this.#joinedAt >= FIRST_SAMPLE_MS;
    const server = measured ? this.#client.multiplayer.getPeer(SERVER_ID) : null;
    if (!server) return null;
    return {
      rttMs: server.getStatistic(PeerStatistic.PEER_ROUND_TRIP_TIME),
      loss: server.getStatistic(PeerStatistic.PEER_PACKET_LOSS) / ENetPacketPeer.PACKET_LOSS_SCALE,
    };
  }

  /** Leaves gracefully (a bot still joining gives up: 'interrupted before joining'). */
  async leave(): Promise<void> {
    if (this.state === 'waiting' || this.state === 'joining') this.#fail('interrupted before joining');
    if (this.state === 'joined') this.state = 'left';
    this.#foldWireTraffic();
    await this.#client.close();
  }

  #settle(state: BotState): void {
    clearTimeout(this.#joinTimer);
    this.state = state;
  }

  #fail(reason: string): void {
    if (this.state !== 'joining' && this.state !== 'waiting') return;
    this.failure = reason;
    this.#settle('failed');
  }

  /** Adds what ENet sent and received since the last call to the thread's counters. */
  #foldWireTraffic(): void {
    const host = this.#host;
    if (!host || this.#client.multiplayer.getHost() !== host) return;
    const { sent, received } = this.#setup.traffic;
    sent.datagrams += host.popStatistic(HostStatistic.HOST_TOTAL_SENT_PACKETS);
    sent.wireBytes += host.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA);
    received.datagrams += host.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS);
    received.wireBytes += host.popStatistic(HostStatistic.HOST_TOTAL_RECEIVED_DATA);
  }

  /** Counts each message from the server (raw bytes, RPC call): its own, or relayed from a client. */
  readonly #count = (_from: number, packet: Buffer): void => {
    const { received } = this.#setup.traffic;
    const command = packet[0] & COMMAND_MASK;
    let count = received.fromServer;
    let bytes = packet.length;
    if (command === COMMAND_SYS) {
      if (packet[1] !== SYS_RELAY || packet.length <= SYS_COMMAND_SIZE) return; // auth and peer announcements
      count = received.relayed;
      bytes -= SYS_COMMAND_SIZE;
      if ((packet[SYS_COMMAND_SIZE] & COMMAND_MASK) === COMMAND_RAW) bytes--;
    } else if (command === COMMAND_RAW) {
      bytes--;
    } else if (command === COMMAND_SIMPLIFY_PATH || command === COMMAND_CONFIRM_PATH) {
      return; // the path cache: the protocol's, not a message
    }
    count.packets++;
    count.bytes += bytes;
    received.packets++;
    received.bytes += bytes;
  };
}
