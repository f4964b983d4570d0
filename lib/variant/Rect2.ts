import { Vector2 } from './Vector2';

/** A Godot `Rect2`: a position and a size, floats. */
export class Rect2 {
  /**
   * A Rect2 of the given parts; each one left out is Godot's default.
   * @param position The top-left corner.
   * @param size The width and height.
   */
  constructor(public position: Vector2 = new Vector2(), public size: Vector2 = new Vector2()) {}
}
