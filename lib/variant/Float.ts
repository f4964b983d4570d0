/**
 * A Godot `float` whose value is a whole number (`3.0`, `-0.0`, `1e20`). A plain JS number that is
 * an integer is written as a Godot `int`, so a float with a whole value needs this wrapper to stay
 * a float; decoding gives one for every such float, so that `3.0` never comes back as the int `3`.
 * Floats with a fraction, NaN and the infinities are plain numbers.
 */
export class Float {
  /** The value, a double as in Godot. */
  readonly value: number;

  /** Wraps `value` as a Godot float. */
  constructor(value: number) {
    this.value = value;
  }

  /** The number itself, so that a `Float` works in arithmetic (`new Float(3) * 2 === 6`). */
  valueOf(): number {
    return this.value;
  }

  /** The value with a `.0` when it is whole (`3.0`, `-0.0`), as GDScript prints small floats. */
  toString(): string {
    if (Object.is(this.value, -0)) return '-0.0';
    return Number.isInteger(this.value) && Math.abs(this.value) < 1e15 ? this.value.toFixed(1) : String(this.value);
  }
}
