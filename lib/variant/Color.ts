/** A Godot `Color`: red, green, blue and alpha as floats, always 32-bit on the wire. */
export class Color {
  /**
   * A Color of the given parts; each one left out is Godot's default.
   * @param r Red, 0 to 1 (more for HDR colours).
   * @param g Green.
   * @param b Blue.
   * @param a Alpha (opacity), 1 by default.
   */
  constructor(public r: number = 0, public g: number = 0, public b: number = 0, public a: number = 1) {}
}
