import { AABB } from './AABB';
import { Basis } from './Basis';
import { Callable } from './Callable';
import { Color } from './Color';
import { EncodedObject } from './EncodedObject';
import { EncodedObjectAsID } from './EncodedObjectAsID';
import { Float } from './Float';
import { NodePath } from './NodePath';
import { isInt64, isIntNumber } from './numbers';
import { PackedColorArray } from './PackedColorArray';
import { PackedStringArray } from './PackedStringArray';
import { PackedVector2Array } from './PackedVector2Array';
import { PackedVector3Array } from './PackedVector3Array';
import { PackedVector4Array } from './PackedVector4Array';
import { Plane } from './Plane';
import { Projection } from './Projection';
import { Quaternion } from './Quaternion';
import { RID } from './RID';
import { Rect2 } from './Rect2';
import { Rect2i } from './Rect2i';
import { Signal } from './Signal';
import { StringName } from './StringName';
import { Transform2D } from './Transform2D';
import { Transform3D } from './Transform3D';
import { Vector2 } from './Vector2';
import { Vector2i } from './Vector2i';
import { Vector3 } from './Vector3';
import { Vector3i } from './Vector3i';
import { Vector4 } from './Vector4';
import { Vector4i } from './Vector4i';
import { VariantType } from './VariantType';

// Subclasses of Array come before the plain array test; Uint8Array also matches Buffer.
const classes: ReadonlyArray<readonly [abstract new (...args: never[]) => unknown, VariantType]> = [
  [Float, VariantType.FLOAT],
  [StringName, VariantType.STRING_NAME],
  [NodePath, VariantType.NODE_PATH],
  [Vector2, VariantType.VECTOR2],
  [Vector2i, VariantType.VECTOR2I],
  [Rect2, VariantType.RECT2],
  [Rect2i, VariantType.RECT2I],
  [Vector3, VariantType.VECTOR3],
  [Vector3i, VariantType.VECTOR3I],
  [Transform2D, VariantType.TRANSFORM2D],
  [Vector4, VariantType.VECTOR4],
  [Vector4i, VariantType.VECTOR4I],
  [Plane, VariantType.PLANE],
  [Quaternion, VariantType.QUATERNION],
  [AABB, VariantType.AABB],
  [Basis, VariantType.BASIS],
  [Transform3D, VariantType.TRANSFORM3D],
  [Projection, VariantType.PROJECTION],
  [Color, VariantType.COLOR],
  [RID, VariantType.RID],
  [EncodedObjectAsID, VariantType.OBJECT],
  [EncodedObject, VariantType.OBJECT],
  [Callable, VariantType.CALLABLE],
  [Signal, VariantType.SIGNAL],
  [Map, VariantType.DICTIONARY],
  [PackedStringArray, VariantType.PACKED_STRING_ARRAY],
  [PackedVector2Array, VariantType.PACKED_VECTOR2_ARRAY],
  [PackedVector3Array, VariantType.PACKED_VECTOR3_ARRAY],
  [PackedColorArray, VariantType.PACKED_COLOR_ARRAY],
  [PackedVector4Array, VariantType.PACKED_VECTOR4_ARRAY],
  [Array, VariantType.ARRAY],
  [Uint8Array, VariantType.PACKED_BYTE_ARRAY],
  [Int32Array, VariantType.PACKED_INT32_ARRAY],
  [BigInt64Array, VariantType.PACKED_INT64_ARRAY],
  [Float32Array, VariantType.PACKED_FLOAT32_ARRAY],
  [Float64Array, VariantType.PACKED_FLOAT64_ARRAY],
];

// The exact classes, looked up first (Buffer too: the most common byte array); other subclasses
// (TypedArray…) fall back to the list.
const byConstructor = new Map<unknown, VariantType>([...classes, [Buffer, VariantType.PACKED_BYTE_ARRAY]]);

/**
 * The Godot type `value` is written as (GDScript's `typeof()`), or `null` when it is not a
 * Variant. `elementType` is the type of the container holding it: `FLOAT` makes a plain number a
 * float.
 */
export function variantTypeOf(value: unknown, elementType: VariantType = VariantType.NIL): VariantType | null {
  switch (typeof value) {
    case 'undefined':
      return VariantType.NIL;
    case 'boolean':
      return VariantType.BOOL;
    case 'number':
      return elementType !== VariantType.FLOAT && isIntNumber(value) ? VariantType.INT : VariantType.FLOAT;
    case 'bigint':
      return isInt64(value) ? VariantType.INT : null;
    case 'string':
      return VariantType.STRING;
    case 'object': {
      if (value === null) return VariantType.NIL;
      const exact = byConstructor.get(value.constructor);
      if (exact !== undefined) return exact;
      const prototype = Object.getPrototypeOf(value);
      if (prototype === Object.prototype || prototype === null) return VariantType.DICTIONARY;
      for (const [type, variantType] of classes) if (value instanceof type) return variantType;
      return null;
    }
    default:
      return null;
  }
}
