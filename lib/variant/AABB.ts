import { Vector3 } from './Vector3';

/** A Godot `AABB`: an axis-aligned box, a position and a size. */
export class AABB {
  /**
   * A AABB of the given parts; each one left out is Godot's default.
   * @param position The corner with the smallest coordinates.
   * @param size The extent along each axis.
   */
  constructor(public position: Vector3 = new Vector3(), public size: Vector3 = new Vector3()) {}
}
