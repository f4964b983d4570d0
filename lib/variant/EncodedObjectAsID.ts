/**
 * Godot's `EncodedObjectAsID`: an Object sent as its instance ID only, which is how `var_to_bytes`
 * (without objects) writes an Object. Decoding it is always allowed; the ID only means something
 * inside the Godot process that sent it.
 */
export class EncodedObjectAsID {
  /** The object's instance ID (unsigned 64-bit, never 0: a null Object is written as nil). */
  objectId: bigint;

  /** The encoding of the object whose instance ID is `objectId`. */
  constructor(objectId: bigint) {
    this.objectId = objectId;
  }
}
