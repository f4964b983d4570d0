import { VariantType } from './VariantType';

/**
 * The element type of a typed Array, or the key or value type of a typed Dictionary, as Godot
 * encodes it: a built-in type, or for objects a class name or a script's `res://` path.
 */
export interface ContainerType {
  /** The built-in type; `VariantType.NIL` means untyped (any Variant). */
  readonly builtin: VariantType;
  /** For `OBJECT`: the class name (`'Node'`), or `''`. */
  readonly className: string;
  /** For `OBJECT` with a script class: the script's `res://` path, or `''`. */
  readonly script: string;
}

/** A container type given as a bare {@link VariantType} or as a partial {@link ContainerType}. */
export type ContainerTypeLike = VariantType | {
  /** The built-in type. */
  builtin: VariantType;
  /** For `OBJECT`: the class name; `''` if left out. */
  className?: string;
  /** For `OBJECT`: the script's `res://` path; `''` if left out. */
  script?: string;
};

/** Completes `type` into a frozen {@link ContainerType}. */
export function containerType(type: ContainerTypeLike): ContainerType {
  if (typeof type === 'number') return Object.freeze({ builtin: type, className: '', script: '' });
  return Object.freeze({ builtin: type.builtin, className: type.className ?? '', script: type.script ?? '' });
}
