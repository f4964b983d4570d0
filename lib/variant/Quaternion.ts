/** A Godot `Quaternion`: x, y, z, w floats; the default is the identity rotation. */
export class Quaternion {
  /**
   * A Quaternion of the given parts; each one left out is Godot's default.
   * @param x The x component.
   * @param y The y component.
   * @param z The z component.
   * @param w The w component.
   */
  constructor(public x: number = 0, public y: number = 0, public z: number = 0, public w: number = 1) {}
}
