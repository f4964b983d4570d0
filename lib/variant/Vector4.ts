/** A Godot `Vector4`: four floats. */
export class Vector4 {
  /**
   * A Vector4 of the given parts; each one left out is Godot's default.
   * @param x The x component.
   * @param y The y component.
   * @param z The z component.
   * @param w The w component.
   */
  constructor(public x: number = 0, public y: number = 0, public z: number = 0, public w: number = 0) {}
}
