import { ContainerType, ContainerTypeLike, containerType } from './ContainerType';
import type { Variant } from './Variant';
import { VariantList } from './VariantList';

/**
 * A typed Godot Array (`Array[int]`, `Array[Node]`…): a JS array that carries its element type.
 * Plain JS arrays are untyped Arrays. The type decides how plain numbers are written: in an
 * `Array[float]` every number is a float (and decodes as a plain number), in an `Array[int]`
 * every number must be an integer. Other elements must be of the element type.
 */
export class TypedArray<T extends Variant = Variant> extends VariantList<T> {
  /** The element type. */
  readonly elementType: ContainerType;

  /** An Array typed `elementType` (a {@link VariantType} or a class) holding `values`. */
  constructor(elementType: ContainerTypeLike, values: Iterable<T> = []) {
    super(values);
    this.elementType = containerType(elementType);
  }
}
