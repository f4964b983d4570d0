/** A Godot `Vector4`: four floats. */
export class Vector4 {
  /** The x component. */
  x: number;
  /** The y component. */
  y: number;
  /** The z component. */
  z: number;
  /** The w component. */
  w: number;

  /** A Vector4 of the given parts (Godot's default for each one left out). */
  constructor(x: number = 0, y: number = 0, z: number = 0, w: number = 0) {
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }
}
