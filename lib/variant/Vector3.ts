/** A Godot `Vector3`: three floats. */
export class Vector3 {
  /**
   * A Vector3 of the given parts; each one left out is Godot's default.
   * @param x The x component.
   * @param y The y component.
   * @param z The z component.
   */
  constructor(public x: number = 0, public y: number = 0, public z: number = 0) {}
}
