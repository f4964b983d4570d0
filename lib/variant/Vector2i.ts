/** A Godot `Vector2i`: two 32-bit signed integers. */
export class Vector2i {
  /** The x component (a 32-bit integer). */
  x: number;
  /** The y component (a 32-bit integer). */
  y: number;

  /** A Vector2i of the given parts (Godot's default for each one left out). */
  constructor(x: number = 0, y: number = 0) {
    this.x = x;
    this.y = y;
  }
}
