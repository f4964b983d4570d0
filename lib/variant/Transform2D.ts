import { Vector2 } from './Vector2';

/** A Godot `Transform2D`: the x and y axis columns and the origin; the default is the identity. */
export class Transform2D {
  /**
   * A Transform2D of the given parts; each one left out is Godot's default.
   * @param x The x axis (first column).
   * @param y The y axis (second column).
   * @param origin The translation.
   */
  constructor(public x: Vector2 = new Vector2(1, 0), public y: Vector2 = new Vector2(0, 1), public origin: Vector2 = new Vector2()) {}
}
