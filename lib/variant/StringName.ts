/**
 * A Godot `StringName` (`&"name"` in GDScript): a string that Godot encodes with its own type, so
 * that it decodes as a StringName again. Plain JS strings are Godot `String`s.
 */
export class StringName {
  /** The text. */
  readonly name: string;

  /** A StringName holding `name`. */
  constructor(name: string = '') {
    this.name = name;
  }

  /** The text itself. */
  toString(): string {
    return this.name;
  }
}
