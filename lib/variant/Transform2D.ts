import { Vector2 } from './Vector2';

/** A Godot `Transform2D`: the x and y axis columns and the origin; the default is the identity. */
export class Transform2D {
  /** The x axis (first column). */
  x: Vector2;
  /** The y axis (second column). */
  y: Vector2;
  /** The translation. */
  origin: Vector2;

  /** A Transform2D of the given parts (Godot's default for each one left out). */
  constructor(x: Vector2 = new Vector2(1, 0), y: Vector2 = new Vector2(0, 1), origin: Vector2 = new Vector2()) {
    this.x = x;
    this.y = y;
    this.origin = origin;
  }
}
