/** A Godot `Vector3i`: three 32-bit signed integers. */
export class Vector3i {
  /** The x component (a 32-bit integer). */
  x: number;
  /** The y component (a 32-bit integer). */
  y: number;
  /** The z component (a 32-bit integer). */
  z: number;

  /** A Vector3i of the given parts (Godot's default for each one left out). */
  constructor(x: number = 0, y: number = 0, z: number = 0) {
    this.x = x;
    this.y = y;
    this.z = z;
  }
}
