/**
 * Godot's `Variant.Type` (`TYPE_NIL`…`TYPE_PACKED_VECTOR4_ARRAY` in GDScript), with Godot's
 * numbers: the first byte of every encoded value, and the element type of typed containers.
 */
export enum VariantType {
  /** `null`. */
  NIL = 0,
  /** `bool`. */
  BOOL = 1,
  /** `int` (64-bit signed). */
  INT = 2,
  /** `float` (64-bit). */
  FLOAT = 3,
  /** `String`. */
  STRING = 4,
  /** `Vector2`. */
  VECTOR2 = 5,
  /** `Vector2i`. */
  VECTOR2I = 6,
  /** `Rect2`. */
  RECT2 = 7,
  /** `Rect2i`. */
  RECT2I = 8,
  /** `Vector3`. */
  VECTOR3 = 9,
  /** `Vector3i`. */
  VECTOR3I = 10,
  /** `Transform2D`. */
  TRANSFORM2D = 11,
  /** `Vector4`. */
  VECTOR4 = 12,
  /** `Vector4i`. */
  VECTOR4I = 13,
  /** `Plane`. */
  PLANE = 14,
  /** `Quaternion`. */
  QUATERNION = 15,
  /** `AABB`. */
  AABB = 16,
  /** `Basis`. */
  BASIS = 17,
  /** `Transform3D`. */
  TRANSFORM3D = 18,
  /** `Projection`. */
  PROJECTION = 19,
  /** `Color`. */
  COLOR = 20,
  /** `StringName`. */
  STRING_NAME = 21,
  /** `NodePath`. */
  NODE_PATH = 22,
  /** `RID`. */
  RID = 23,
  /** `Object`. */
  OBJECT = 24,
  /** `Callable` (encoded without its target: it decodes as an empty Callable). */
  CALLABLE = 25,
  /** `Signal`. */
  SIGNAL = 26,
  /** `Dictionary`. */
  DICTIONARY = 27,
  /** `Array`. */
  ARRAY = 28,
  /** `PackedByteArray`. */
  PACKED_BYTE_ARRAY = 29,
  /** `PackedInt32Array`. */
  PACKED_INT32_ARRAY = 30,
  /** `PackedInt64Array`. */
  PACKED_INT64_ARRAY = 31,
  /** `PackedFloat32Array`. */
  PACKED_FLOAT32_ARRAY = 32,
  /** `PackedFloat64Array`. */
  PACKED_FLOAT64_ARRAY = 33,
  /** `PackedStringArray`. */
  PACKED_STRING_ARRAY = 34,
  /** `PackedVector2Array`. */
  PACKED_VECTOR2_ARRAY = 35,
  /** `PackedVector3Array`. */
  PACKED_VECTOR3_ARRAY = 36,
  /** `PackedColorArray`. */
  PACKED_COLOR_ARRAY = 37,
  /** `PackedVector4Array`. */
  PACKED_VECTOR4_ARRAY = 38,
}

/** One past the last type number: a header byte at or above it is invalid data. */
export const VARIANT_TYPE_COUNT = 39;
