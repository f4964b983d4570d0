/** A Godot `Vector2i`: two 32-bit signed integers. */
export class Vector2i {
  /**
   * A Vector2i of the given parts; each one left out is Godot's default.
   * @param x The x component, a 32-bit integer.
   * @param y The y component, a 32-bit integer.
   */
  constructor(public x: number = 0, public y: number = 0) {}
}
