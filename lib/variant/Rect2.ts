import { Vector2 } from './Vector2';

/** A Godot `Rect2`: a position and a size, floats. */
export class Rect2 {
  /** The top-left corner. */
  position: Vector2;
  /** The width and height. */
  size: Vector2;

  /** A Rect2 of the given parts (Godot's default for each one left out). */
  constructor(position: Vector2 = new Vector2(), size: Vector2 = new Vector2()) {
    this.position = position;
    this.size = size;
  }
}
