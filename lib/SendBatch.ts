/**
 * The JavaScript half of batched sends (native/connection_sends.cc). While a started host's
 * batch is being handled, `peer.send()` to a peer of that batch copies the packet into a shared
 * slab instead of calling the addon; the event pump hands the whole queue to ENet in one go when
 * the batch callback returns. The addon vouches, per batch, for the peers that can be sent to
 * (their handle and channel count in `peers`) and takes the vouchers back before anything could
 * change them, so a queued send returns exactly what the direct call would: OK.
 */

/** The queue's layout, shared with native/connection.h (SendField, SendRecordField). */
const enum Queue {
  Count = 0,
  Bytes = 1,
  Header = 2,
  RecordFields = 4,
}
/** Per peer slot in the peer table (PeerTableField): handle, channel count. */
const PEER_FIELDS = 2;
/** A handle is generation × SLOT_SPAN + slot (native/connection.h kSlotSpan). */
const SLOT_SPAN = 4096;
const FLAGS_ALLOWED = 1 | 2 | 8;

/** Packets per batch; more go the direct way (after the queue, so in order). */
const RECORDS = 1024;
/** Bytes per batch. */
const SLAB_BYTES = 64 * 1024;
/** Larger packets go the direct way: for them the copy costs more than the crossing. */
const MAX_QUEUED_BYTES = 2048;

export class SendBatch {
  /** [count, bytes used, then per packet: peer handle, channel, flags, length]. */
  readonly queue = new Float64Array(Queue.Header + RECORDS * Queue.RecordFields);
  readonly bytes = new Uint8Array(SLAB_BYTES);
  /** Per peer slot: the handle that may be queued for (else -1) and its channel count. */
  readonly peers: Float64Array;

  /** For a host with `slots` peer slots (its maxPeers). */
  constructor(readonly slots: number) {
    this.peers = new Float64Array(slots * PEER_FIELDS).fill(-1);
  }

  /**
   * Queues the packet if it can be, returning whether it did; else the caller sends directly,
   * which also works out the exact error. `maxPacketSize` is the host's limit.
   */
  tryQueue(handle: number, channel: unknown, packet: unknown, flags: unknown, maxPacketSize: number): boolean {
    const entry = (handle % SLOT_SPAN) * PEER_FIELDS;
    if (this.peers[entry] !== handle) return false;
    if (typeof channel !== 'number' || channel >>> 0 !== channel || channel >= this.peers[entry + 1]) return false;
    if (typeof flags !== 'number' || flags >>> 0 !== flags || (flags & ~FLAGS_ALLOWED) !== 0) return false;
    if (!(packet instanceof Uint8Array)) return false;
    const length = packet.length;
    const queue = this.queue;
    const count = queue[Queue.Count];
    const used = queue[Queue.Bytes];
    if (length > MAX_QUEUED_BYTES || length > maxPacketSize || count >= RECORDS || used + length > SLAB_BYTES) return false;
    this.bytes.set(packet, used);
    const at = Queue.Header + count * Queue.RecordFields;
    queue[at] = handle;
    queue[at + 1] = channel;
    queue[at + 2] = flags;
    queue[at + 3] = length;
    queue[Queue.Count] = count + 1;
    queue[Queue.Bytes] = used + length;
    return true;
  }
}
