/** A Godot `Vector3`: three floats. */
export class Vector3 {
  /** The x component. */
  x: number;
  /** The y component. */
  y: number;
  /** The z component. */
  z: number;

  /** A Vector3 of the given parts (Godot's default for each one left out). */
  constructor(x: number = 0, y: number = 0, z: number = 0) {
    this.x = x;
    this.y = y;
    this.z = z;
  }
}
