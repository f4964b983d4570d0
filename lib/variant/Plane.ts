import { Vector3 } from './Vector3';

/** A Godot `Plane`: a normal and the distance from the origin. */
export class Plane {
  /** The normal. */
  normal: Vector3;
  /** The distance from the origin along the normal. */
  d: number;

  /** A Plane of the given parts (Godot's default for each one left out). */
  constructor(normal: Vector3 = new Vector3(), d: number = 0) {
    this.normal = normal;
    this.d = d;
  }
}
