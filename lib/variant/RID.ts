/** A Godot `RID`: an opaque 64-bit resource ID (`rid_from_int64` / `rid_allocate_id` in GDScript). `new RID()` is the invalid RID 0. */
export class RID {
  /** The ID, unsigned 64-bit. */
  id: bigint;

  /** A RID of the given parts (Godot's default for each one left out). */
  constructor(id: bigint = 0n) {
    this.id = id;
  }
}
