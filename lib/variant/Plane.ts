import { Vector3 } from './Vector3';

/** A Godot `Plane`: a normal and the distance from the origin. */
export class Plane {
  /**
   * A Plane of the given parts; each one left out is Godot's default.
   * @param normal The normal.
   * @param d The distance from the origin along the normal.
   */
  constructor(public normal: Vector3 = new Vector3(), public d: number = 0) {}
}
