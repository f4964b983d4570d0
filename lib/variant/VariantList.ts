/**
 * The base of the Array subclasses that carry a Godot type (typed Arrays, packed arrays of
 * strings and vectors): a real JS array, whose `map`, `filter`, `slice`… give plain arrays.
 */
export class VariantList<T> extends Array<T> {
  /** Derived arrays (`map`, `filter`, `slice`…) are plain arrays: they have no Godot type. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** A list holding `values` in order. */
  constructor(values: Iterable<T> = []) {
    super();
    for (const value of values) this.push(value);
  }
}
