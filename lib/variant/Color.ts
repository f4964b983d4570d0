/** A Godot `Color`: red, green, blue and alpha as floats, always 32-bit on the wire. */
export class Color {
  /** Red, 0 to 1 (may exceed 1 for HDR colours). */
  r: number;
  /** Green. */
  g: number;
  /** Blue. */
  b: number;
  /** Alpha (opacity), 1 by default. */
  a: number;

  /** A Color of the given parts (Godot's default for each one left out). */
  constructor(r: number = 0, g: number = 0, b: number = 0, a: number = 1) {
    this.r = r;
    this.g = g;
    this.b = b;
    this.a = a;
  }
}
