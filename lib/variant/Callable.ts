/**
 * A Godot `Callable`. Godot encodes a Callable without its object and method (the header alone),
 * so every Callable decodes as an empty one: this class has no fields.
 */
export class Callable {}
