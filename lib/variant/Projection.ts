import { Vector4 } from './Vector4';

/** A Godot `Projection`: a 4x4 matrix as its x, y, z and w columns; the default is the identity. */
export class Projection {
  /** The first column. */
  x: Vector4;
  /** The second column. */
  y: Vector4;
  /** The third column. */
  z: Vector4;
  /** The fourth column. */
  w: Vector4;

  /** A Projection of the given parts (Godot's default for each one left out). */
  constructor(x: Vector4 = new Vector4(1, 0, 0, 0), y: Vector4 = new Vector4(0, 1, 0, 0), z: Vector4 = new Vector4(0, 0, 1, 0), w: Vector4 = new Vector4(0, 0, 0, 1)) {
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
  }
}
