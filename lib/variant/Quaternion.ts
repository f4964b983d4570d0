/** A Godot `Quaternion`: x, y, z, w floats; the default is the identity rotation. */
export class Quaternion {
  /** The x component. */
  x: number;
  /** The y component. */
  y: number;
  /** The z component. */
  z: number;
  /** The w component. */
  w: number;

  /** A Quaternion of the given parts (Godot's default for each one left out). */
  constructor(x: number = 0, y: number = 0, z: number = 0, w: number = 1) {
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }
}
