import { Vector2i } from './Vector2i';

/** A Godot `Rect2i`: a position and a size, 32-bit integers. */
export class Rect2i {
  /** The top-left corner. */
  position: Vector2i;
  /** The width and height. */
  size: Vector2i;

  /** A Rect2i of the given parts (Godot's default for each one left out). */
  constructor(position: Vector2i = new Vector2i(), size: Vector2i = new Vector2i()) {
    this.position = position;
    this.size = size;
  }
}
