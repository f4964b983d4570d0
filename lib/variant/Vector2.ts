/** A Godot `Vector2`: two floats (32-bit on the wire in Godot's standard builds). */
export class Vector2 {
  /** The x component. */
  x: number;
  /** The y component. */
  y: number;

  /** A Vector2 of the given parts (Godot's default for each one left out). */
  constructor(x: number = 0, y: number = 0) {
    this.x = x;
    this.y = y;
  }
}
