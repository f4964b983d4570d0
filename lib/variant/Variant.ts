import type { AABB } from './AABB';
import type { Basis } from './Basis';
import type { Callable } from './Callable';
import type { Color } from './Color';
import type { EncodedObject } from './EncodedObject';
import type { EncodedObjectAsID } from './EncodedObjectAsID';
import type { Float } from './Float';
import type { NodePath } from './NodePath';
import type { PackedColorArray } from './PackedColorArray';
import type { PackedStringArray } from './PackedStringArray';
import type { PackedVector2Array } from './PackedVector2Array';
import type { PackedVector3Array } from './PackedVector3Array';
import type { PackedVector4Array } from './PackedVector4Array';
import type { Plane } from './Plane';
import type { Projection } from './Projection';
import type { Quaternion } from './Quaternion';
import type { RID } from './RID';
import type { Rect2 } from './Rect2';
import type { Rect2i } from './Rect2i';
import type { Signal } from './Signal';
import type { StringName } from './StringName';
import type { Transform2D } from './Transform2D';
import type { Transform3D } from './Transform3D';
import type { Vector2 } from './Vector2';
import type { Vector2i } from './Vector2i';
import type { Vector3 } from './Vector3';
import type { Vector3i } from './Vector3i';
import type { Vector4 } from './Vector4';
import type { Vector4i } from './Vector4i';

/**
 * A value that Godot's Variant can hold, in its JS form (docs/guide.md, "Variants", has the
 * table). `null` is nil; `undefined` is accepted as nil when encoding. Numbers: an integer in the
 * int64 range is an `int`, any other number a `float`; a `bigint` is an `int`; {@link Float} makes
 * a whole number a float. Strings are `String`s; arrays are untyped `Array`s (`TypedArray` for
 * typed ones); a `Map` or a plain object is a `Dictionary` (decoding gives a Map, or a
 * `TypedDictionary`); `Uint8Array` (decoded as a `Buffer`), `Int32Array`, `BigInt64Array`,
 * `Float32Array` and `Float64Array` are the packed arrays of bytes, int32, int64, float32 and
 * float64.
 */
export type Variant =
  | null
  | undefined
  | boolean
  | number
  | bigint
  | string
  | Float
  | StringName
  | NodePath
  | Vector2
  | Vector2i
  | Rect2
  | Rect2i
  | Vector3
  | Vector3i
  | Transform2D
  | Vector4
  | Vector4i
  | Plane
  | Quaternion
  | AABB
  | Basis
  | Transform3D
  | Projection
  | Color
  | RID
  | EncodedObjectAsID
  | EncodedObject
  | Callable
  | Signal
  | Variant[]
  | Map<Variant, Variant>
  | { [key: string]: Variant }
  | Uint8Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array
  | PackedStringArray
  | PackedVector2Array
  | PackedVector3Array
  | PackedColorArray
  | PackedVector4Array;
