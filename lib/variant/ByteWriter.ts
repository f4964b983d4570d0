import { endianness } from 'node:os';
import { ENetError, ErrorCode } from '../errors';

const littleEndianHost = endianness() === 'LE';
/** Godot counts encoded lengths in an `int`: nothing it can read is longer. */
const MAX_LENGTH = 2 ** 31 - 1;

/**
 * A growing byte buffer written little-endian, as Godot writes its wire formats: what
 * {@link encodeVariant} appends to, so that a Variant can be embedded in a larger packet.
 */
export class ByteWriter {
  private buffer: Buffer;
  private view: DataView;
  private used = 0;

  /** An empty writer with room for `capacity` bytes before it grows. */
  constructor(capacity: number = 64) {
    this.buffer = Buffer.allocUnsafe(Math.max(capacity, 16));
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }

  /** How many bytes have been written. */
  get length(): number {
    return this.used;
  }

  /** A copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.used));
  }

  /** Appends one byte. */
  uint8(value: number): void {
    this.reserve(1).setUint8(this.used - 1, value);
  }

  /** Appends an unsigned 16-bit integer. */
  uint16(value: number): void {
    this.reserve(2).setUint16(this.used - 2, value, true);
  }

  /** Appends an unsigned 32-bit integer. */
  uint32(value: number): void {
    this.reserve(4).setUint32(this.used - 4, value, true);
  }

  /** Appends a signed 32-bit integer. */
  int32(value: number): void {
    this.reserve(4).setInt32(this.used - 4, value, true);
  }

  /** Appends an unsigned 64-bit integer. */
  uint64(value: bigint): void {
    this.reserve(8).setBigUint64(this.used - 8, value, true);
  }

  /** Appends a signed 64-bit integer. */
  int64(value: bigint): void {
    this.reserve(8).setBigInt64(this.used - 8, value, true);
  }

  /** Appends a 32-bit float (the value rounded to the nearest float, as a C cast does). */
  float32(value: number): void {
    this.reserve(4).setFloat32(this.used - 4, value, true);
  }

  /** Appends a 64-bit float. */
  float64(value: number): void {
    this.reserve(8).setFloat64(this.used - 8, value, true);
  }

  /** Appends `text` as UTF-8 (no length, no terminator) and returns how many bytes that took. */
  utf8(text: string): number {
    // At most 3 bytes per UTF-16 unit; the unused rest is given back.
    const start = this.used;
    this.reserve(text.length * 3);
    const written = this.buffer.write(text, start, 'utf8');
    this.used = start + written;
    return written;
  }

  /** Overwrites the unsigned 32-bit integer at `offset`, e.g. a length written before its data. */
  setUint32(offset: number, value: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + 4 > this.used) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `ByteWriter: offset ${offset} is outside the ${this.used} bytes written`);
    }
    this.view.setUint32(offset, value, true);
  }

  /** Appends `data` as it is. */
  bytes(data: Uint8Array): void {
    this.reserve(data.byteLength);
    this.buffer.set(data, this.used - data.byteLength);
  }

  /** Appends the elements of a typed array little-endian, bit for bit (NaN payloads included). */
  elements(data: Int32Array | BigInt64Array | Float32Array | Float64Array): void {
    const start = this.used;
    this.bytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (littleEndianHost) return;
    const written = this.buffer.subarray(start, this.used);
    if (data.BYTES_PER_ELEMENT === 4) written.swap32();
    else written.swap64();
  }

  /**
   * Appends the zero bytes that round `length` up to a multiple of 4. Godot pads a string or a
   * byte array by its own length, not by where it lands in the packet (an RPC's arguments follow
   * a header of any length).
   */
  pad4(length: number): void {
    const padding = (4 - (length % 4)) % 4;
    this.reserve(padding);
    this.buffer.fill(0, this.used - padding, this.used);
  }

  /**
   * Grows the buffer for `count` more bytes, counts them as written and returns the view. Past
   * 2 GiB (what Godot can count) it throws ENetError ERR_OUT_OF_MEMORY instead of allocating.
   */
  private reserve(count: number): DataView {
    const needed = this.used + count;
    if (needed > MAX_LENGTH) {
      throw new ENetError(ErrorCode.ERR_OUT_OF_MEMORY, `ByteWriter: ${needed} bytes are more than Godot can read (2 GiB)`);
    }
    if (needed > this.buffer.byteLength) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(needed, this.buffer.byteLength * 2), MAX_LENGTH));
      this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
      this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
    }
    this.used = needed;
    return this.view;
  }
}
