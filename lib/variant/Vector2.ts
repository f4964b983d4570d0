/** A Godot `Vector2`: two floats (32-bit on the wire in Godot's standard builds). */
export class Vector2 {
  /**
   * A Vector2 of the given parts; each one left out is Godot's default.
   * @param x The x component.
   * @param y The y component.
   */
  constructor(public x: number = 0, public y: number = 0) {}
}
