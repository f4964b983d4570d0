/** A Godot `Signal`: a signal name and the ID of the object that has it. */
export class Signal {
  /** The signal's name. */
  name: string;
  /** The instance ID of the object (Godot's `ObjectID`, unsigned 64-bit). */
  objectId: bigint;

  /** A Signal named `name` of object `objectId`. */
  constructor(name: string = '', objectId: bigint = 0n) {
    this.name = name;
    this.objectId = objectId;
  }
}
