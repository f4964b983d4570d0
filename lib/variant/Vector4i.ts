/** A Godot `Vector4i`: four 32-bit signed integers. */
export class Vector4i {
  /**
   * A Vector4i of the given parts; each one left out is Godot's default.
   * @param x The x component, a 32-bit integer.
   * @param y The y component, a 32-bit integer.
   * @param z The z component, a 32-bit integer.
   * @param w The w component, a 32-bit integer.
   */
  constructor(public x: number = 0, public y: number = 0, public z: number = 0, public w: number = 0) {}
}
