import { Vector4 } from './Vector4';

/** A Godot `Projection`: a 4x4 matrix as its x, y, z and w columns; the default is the identity. */
export class Projection {
  /**
   * A Projection of the given parts; each one left out is Godot's default.
   * @param x The first column.
   * @param y The second column.
   * @param z The third column.
   * @param w The fourth column.
   */
  constructor(public x: Vector4 = new Vector4(1, 0, 0, 0), public y: Vector4 = new Vector4(0, 1, 0, 0), public z: Vector4 = new Vector4(0, 0, 1, 0), public w: Vector4 = new Vector4(0, 0, 0, 1)) {}
}
