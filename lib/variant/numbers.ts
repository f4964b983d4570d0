// How JS numbers map to Godot's int and float: the one rule both the encoder and the decoder use,
// so that whatever is decoded encodes to the same bytes again.
import { Float } from './Float';

const TWO_TO_63 = 2 ** 63;

/** Whether a plain JS number is written as a Godot int: an integer in the int64 range. */
export function isIntNumber(value: number): boolean {
  return Number.isInteger(value) && value >= -TWO_TO_63 && value < TWO_TO_63;
}

/** Whether a bigint fits Godot's int (signed 64 bits); others are not Variants. */
export function isInt64(value: bigint): boolean {
  return value >= -(2n ** 63n) && value < 2n ** 63n;
}

/** A decoded int: a number when it is exact in a double (within ±(2^53-1)), else a bigint. */
export function intFromInt64(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A decoded float: a plain number, or a {@link Float} when a plain number would be an int. */
export function floatFromDouble(value: number): number | Float {
  return isIntNumber(value) ? new Float(value) : value;
}
