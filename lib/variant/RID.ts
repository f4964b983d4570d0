/** A Godot `RID`: an opaque 64-bit resource ID (`rid_from_int64` in GDScript). `new RID()` is the invalid RID 0. */
export class RID {
  /**
   * A RID of the given parts; each one left out is Godot's default.
   * @param id The ID, unsigned 64-bit.
   */
  constructor(public id: bigint = 0n) {}
}
