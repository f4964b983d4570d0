import { Vector3 } from './Vector3';

/** A Godot `Basis`: a 3x3 matrix as its x, y and z axis columns (as GDScript's `basis.x`); the default is the identity. Godot writes it row by row. */
export class Basis {
  /**
   * A Basis of the given parts; each one left out is Godot's default.
   * @param x The x axis (first column).
   * @param y The y axis (second column).
   * @param z The z axis (third column).
   */
  constructor(public x: Vector3 = new Vector3(1, 0, 0), public y: Vector3 = new Vector3(0, 1, 0), public z: Vector3 = new Vector3(0, 0, 1)) {}
}
