/** A Godot `Vector4i`: four 32-bit signed integers. */
export class Vector4i {
  /** The x component (a 32-bit integer). */
  x: number;
  /** The y component (a 32-bit integer). */
  y: number;
  /** The z component (a 32-bit integer). */
  z: number;
  /** The w component (a 32-bit integer). */
  w: number;

  /** A Vector4i of the given parts (Godot's default for each one left out). */
  constructor(x: number = 0, y: number = 0, z: number = 0, w: number = 0) {
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }
}
