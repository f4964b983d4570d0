import { Vector2i } from './Vector2i';

/** A Godot `Rect2i`: a position and a size, 32-bit integers. */
export class Rect2i {
  /**
   * A Rect2i of the given parts; each one left out is Godot's default.
   * @param position The top-left corner.
   * @param size The width and height.
   */
  constructor(public position: Vector2i = new Vector2i(), public size: Vector2i = new Vector2i()) {}
}
