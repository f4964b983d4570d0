// The bots' counters: kept per thread, added up across threads, reported in the summary.

/** Messages and bytes. */
export interface Count {
  /** Messages (raw `send_bytes` packets or RPC calls). */
  packets: number;
  /** Bytes: the payload of raw packets; the whole SceneMultiplayer frame of an RPC call. */
  bytes: number;
}

/** What the bots sent. */
export interface SentTraffic extends Count {
  /** Sends that failed (ENet refused them: the bot was not connected any more, or out of memory). */
  errors: number;
  /** UDP datagrams the bots' ENet hosts sent, acknowledgements and pings included. */
  datagrams: number;
  /** Bytes of those datagrams (after compression and DTLS, without UDP/IP headers). */
  wireBytes: number;
}

/** What the bots received. */
export interface ReceivedTraffic extends Count {
  /** What the server itself sent (raw bytes, RPC calls), not relayed from other clients. */
  fromServer: Count;
  /** What the server relayed from other clients. */
  relayed: Count;
  /** UDP datagrams the bots' ENet hosts received. */
  datagrams: number;
  /** Bytes of those datagrams. */
  wireBytes: number;
}

/** Both directions. */
export interface Traffic {
  /** What the bots sent. */
  sent: SentTraffic;
  /** What the bots received. */
  received: ReceivedTraffic;
}

/** Zero counters. */
export function emptyTraffic(): Traffic {
  return {
    sent: { packets: 0, bytes: 0, errors: 0, datagrams: 0, wireBytes: 0 },
    received: { packets: 0, bytes: 0, fromServer: { packets: 0, bytes: 0 }, relayed: { packets: 0, bytes: 0 }, datagrams: 0, wireBytes: 0 },
  };
}

/** Adds `more` into `total`, field by field (nested counts too). */
export function addTraffic<T extends object>(total: T, more: T): T {
  for (const key of Object.keys(more) as (keyof T)[]) {
    const value = more[key];
    if (typeof value === 'number') (total[key] as number) += value;
    else addTraffic(total[key] as object, value as object);
  }
  return total;
}
