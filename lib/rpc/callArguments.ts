// An RPC's arguments as SceneMultiplayer writes them (encode_and_compress_variants): no
// arguments, or one PackedByteArray, as bare bytes ("byte-only"); otherwise a count byte, then
// each argument, bools and ints compressed (type and width in one byte) and every other value
// in Godot's binary Variant format.
import { ByteWriter, decodeVariant, encodeVariant, Variant, VariantType, variantTypeOf } from '../variant';
import { intFromInt64 } from '../variant/numbers';
import { VARIANT_TYPE_COUNT } from '../variant/VariantType';
import type { EncodedArguments, RemoteCall } from './wire';

/** A compressed value's first byte: the type in the low 6 bits, the width (or a bool's value) above. */
const TYPE_MASK = 0x3f;
const WIDTH_SHIFT = 6;
const BOOL_TRUE = 0x80;
/** Int widths by the 2-bit code: 8, 16, 32 and 64 bits. */
const INT_WIDTHS = [1, 2, 4, 8];

/**
 * Encodes `args` for a REMOTE_CALL. Throws ENetError ERR_INVALID_PARAMETER for a value that is
 * no Variant.
 */
export function encodeArguments(args: readonly unknown[]): EncodedArguments {
  if (args.length === 0) return { byteOnly: true, count: 0, bytes: Buffer.alloc(0) };
  if (args.length === 1 && args[0] instanceof Uint8Array) {
    return { byteOnly: true, count: 1, bytes: Buffer.from(args[0]) };
  }
  const out = new ByteWriter();
  for (const value of args) writeCompressed(out, value as Variant);
  return { byteOnly: false, count: args.length, bytes: out.toBuffer() };
}

function writeCompressed(out: ByteWriter, value: Variant): void {
  const type = variantTypeOf(value);
  if (type === VariantType.BOOL) {
    out.uint8(VariantType.BOOL | (value ? BOOL_TRUE : 0));
  } else if (type === VariantType.INT && typeof value === 'number' && value >= -0x80000000 && value < 0x80000000) {
    // Ints in 32 bits, the common case (IDs, counts, ticks), written without a BigInt or a scratch buffer.
    const code = value >= -0x80 && value < 0x80 ? 0 : value >= -0x8000 && value < 0x8000 ? 1 : 2;
    out.uint8(VariantType.INT | (code << WIDTH_SHIFT));
    if (code === 0) out.uint8(value & 0xff);
    else if (code === 1) out.uint16(value & 0xffff);
    else out.int32(value);
  } else if (type === VariantType.INT) {
    const int = BigInt(value as number | bigint);
    const code = int >= -0x80n && int < 0x80n ? 0 : int >= -0x8000n && int < 0x8000n ? 1
      : int >= -0x80000000n && int < 0x80000000n ? 2 : 3;
    out.uint8(VariantType.INT | (code << WIDTH_SHIFT));
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64LE(BigInt.asIntN(64, int));
    out.bytes(bytes.subarray(0, INT_WIDTHS[code]));
  } else {
    encodeVariant(value, out);
  }
}

/** Decodes a REMOTE_CALL's arguments, or says why they are invalid. Objects are refused, as Godot's default. */
export function decodeArguments(frame: Buffer, call: RemoteCall): unknown[] | string {
  const { argsStart, argsEnd } = call;
  // A Buffer of its own, as the Variant decoder gives a PackedByteArray.
  if (call.byteOnly) return argsStart < argsEnd ? [Buffer.from(frame.subarray(argsStart, argsEnd))] : [];
  if (argsStart >= argsEnd) return 'frame too short';
  const count = frame[argsStart];
  const args: unknown[] = [];
  let offset = argsStart + 1;
  while (args.length < count) {
    if (offset >= argsEnd) return 'frame too short';
    const decoded = readCompressed(frame.subarray(offset, argsEnd));
    if (typeof decoded === 'string') return `unable to decode argument ${args.length + 1}: ${decoded}`;
    args.push(decoded.value);
    offset += decoded.length;
  }
  return args;
}

function readCompressed(data: Buffer): { value: unknown; length: number } | string {
  const type = data[0] & TYPE_MASK;
  if (type >= VARIANT_TYPE_COUNT) return 'invalid type';
  if (type === VariantType.BOOL) return { value: (data[0] & BOOL_TRUE) !== 0, length: 1 };
  if (type === VariantType.INT) {
    const width = INT_WIDTHS[data[0] >> WIDTH_SHIFT];
    if (data.length < 1 + width) return 'too short';
    const value = width === 8 ? intFromInt64(data.readBigInt64LE(1)) : data.readIntLE(1, width);
    return { value, length: 1 + width };
  }
  try {
    return decodeVariant(data);
  } catch (error) {
    return (error as Error).message;
  }
}
