import { ContainerType, ContainerTypeLike, containerType } from './ContainerType';
import type { Variant } from './Variant';
import { VariantType } from './VariantType';

/**
 * A typed Godot Dictionary (`Dictionary[String, int]`…): a Map that carries its key and value
 * types (either may be `VariantType.NIL`, untyped). Decoded untyped Dictionaries are plain Maps.
 * As in {@link TypedArray}, a `FLOAT` key or value type makes plain numbers floats.
 */
export class TypedDictionary<K extends Variant = Variant, V extends Variant = Variant> extends Map<K, V> {
  /** The key type (`builtin` NIL: any key). */
  readonly keyType: ContainerType;
  /** The value type (`builtin` NIL: any value). */
  readonly valueType: ContainerType;

  /** A Dictionary typed `keyType` to `valueType` holding `entries`. */
  constructor(keyType: ContainerTypeLike, valueType: ContainerTypeLike = VariantType.NIL, entries: Iterable<readonly [K, V]> = []) {
    super(entries);
    this.keyType = containerType(keyType);
    this.valueType = containerType(valueType);
  }
}
