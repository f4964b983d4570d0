import { Vector3 } from './Vector3';

/** A Godot `Basis`: a 3x3 matrix as its x, y and z axis columns (as GDScript's `basis.x`); the default is the identity. Godot writes it row by row. */
export class Basis {
  /** The x axis (first column). */
  x: Vector3;
  /** The y axis (second column). */
  y: Vector3;
  /** The z axis (third column). */
  z: Vector3;

  /** A Basis of the given parts (Godot's default for each one left out). */
  constructor(x: Vector3 = new Vector3(1, 0, 0), y: Vector3 = new Vector3(0, 1, 0), z: Vector3 = new Vector3(0, 0, 1)) {
    this.x = x;
    this.y = y;
    this.z = z;
  }
}
