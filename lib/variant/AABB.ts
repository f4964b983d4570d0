import { Vector3 } from './Vector3';

/** A Godot `AABB`: an axis-aligned box, a position and a size. */
export class AABB {
  /** The corner with the smallest coordinates. */
  position: Vector3;
  /** The extent along each axis. */
  size: Vector3;

  /** A AABB of the given parts (Godot's default for each one left out). */
  constructor(position: Vector3 = new Vector3(), size: Vector3 = new Vector3()) {
    this.position = position;
    this.size = size;
  }
}
