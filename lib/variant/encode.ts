// Godot's encode_variant (core/io/marshalls.cpp) for the JS forms of Variant.
import { ENetError, ErrorCode } from '../errors';
import type { AABB } from './AABB';
import type { Basis } from './Basis';
import { ByteWriter } from './ByteWriter';
import type { Color } from './Color';
import { ContainerType } from './ContainerType';
import { EncodedObject } from './EncodedObject';
import type { EncodedObjectAsID } from './EncodedObjectAsID';
import { Float } from './Float';
import type { NodePath } from './NodePath';
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
import { TypedArray } from './TypedArray';
import { TypedDictionary } from './TypedDictionary';
import type { Variant } from './Variant';
import { variantTypeOf } from './variantTypeOf';
import { VariantType, VARIANT_TYPE_COUNT } from './VariantType';
import type { Vector2 } from './Vector2';
import type { Vector2i } from './Vector2i';
import type { Vector3 } from './Vector3';
import type { Vector3i } from './Vector3i';
import type { Vector4 } from './Vector4';
import type { Vector4i } from './Vector4i';
import { FLAG_64, FLAG_OBJECT_AS_ID, ContainerKind, ARRAY_TYPE_SHIFT, DICTIONARY_KEY_SHIFT, DICTIONARY_VALUE_SHIFT, MAX_DEPTH, NODE_PATH_NEW_FORMAT, OBJECT_AS_ID_CLASS } from './format';

/** How {@link varToBytes} and {@link encodeVariant} write values. */
export interface EncodeOptions {
  /**
   * Write {@link EncodedObject}s whole, with their class name and properties, as Godot's
   * `var_to_bytes_with_objects` does (and object-typed containers with their class or script).
   * Without it an EncodedObject throws ERR_INVALID_PARAMETER, as the receiving Godot must also
   * opt in to decode one.
   */
  fullObjects?: boolean;
  /**
   * Write floats of the math types (Vector2, Transform3D…) as 64-bit, as a Godot built with
   * `precision=double` does. Standard Godot builds write them as 32-bit (the default); Godot
   * decodes either.
   */
  doublePrecision?: boolean;
}

interface Context {
  readonly out: ByteWriter;
  readonly fullObjects: boolean;
  readonly real64: boolean;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function invalid(message: string): never {
  throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `varToBytes: ${message}`);
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return value.constructor?.name ?? 'object';
}

/**
 * Godot's `var_to_bytes`: `value` in Godot's binary Variant format (the mapping from JS values is
 * {@link Variant}'s). Throws ENetError ERR_INVALID_PARAMETER for a value that is no Variant (a
 * function, a class instance not of this library, an int beyond 64 bits, a component of the wrong
 * kind) and ERR_OUT_OF_MEMORY for nesting deeper than Godot's 1024 levels (a cycle, too).
 */
export function varToBytes(value: Variant, options: EncodeOptions = {}): Buffer {
  const out = new ByteWriter();
  encodeVariant(value, out, options);
  return out.toBuffer();
}

/** Appends `value` to `out` as {@link varToBytes} would write it, to embed it in a larger packet. */
export function encodeVariant(value: Variant, out: ByteWriter, options: EncodeOptions = {}): void {
  writeVariant({ out, fullObjects: options.fullObjects === true, real64: options.doublePrecision === true }, value, 0, VariantType.NIL);
}

/** The number of bytes {@link varToBytes} gives for `value`. */
export function encodedSize(value: Variant, options: EncodeOptions = {}): number {
  const out = new ByteWriter();
  encodeVariant(value, out, options);
  return out.length;
}

function writeVariant(context: Context, value: Variant, depth: number, elementType: VariantType): void {
  if (depth > MAX_DEPTH) {
    throw new ENetError(ErrorCode.ERR_OUT_OF_MEMORY, `varToBytes: nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
  }
  const type = variantTypeOf(value, elementType);
  if (type === null) invalid(typeof value === 'bigint' ? `${value} is beyond a 64-bit int` : `a ${describe(value)} is not a Variant`);
  const { out } = context;
  switch (type) {
    case VariantType.NIL:
    case VariantType.CALLABLE:
      out.uint32(type);
      return;
    case VariantType.BOOL:
      out.uint32(type);
      out.uint32(value ? 1 : 0);
      return;
    case VariantType.INT:
      return writeInt(out, value as number | bigint);
    case VariantType.FLOAT:
      return writeFloat(out, typeof value === 'number' ? value : (value as Float).value);
    case VariantType.STRING:
      out.uint32(type);
      return writeString(out, value as string);
    case VariantType.STRING_NAME:
      out.uint32(type);
      return writeString(out, checkString((value as StringName).name, 'StringName name'));
    case VariantType.NODE_PATH:
      out.uint32(type);
      return writeNodePath(out, value as NodePath);
    case VariantType.RID:
      out.uint32(type);
      out.uint64(checkUint64((value as RID).id, 'RID id'));
      return;
    case VariantType.OBJECT:
      return writeObject(context, value as EncodedObjectAsID | EncodedObject, depth);
    case VariantType.SIGNAL: {
      const signal = value as Signal;
      out.uint32(type);
      writeString(out, checkString(signal.name, 'Signal name'));
      out.uint64(checkUint64(signal.objectId, 'Signal objectId'));
      return;
    }
    case VariantType.DICTIONARY:
      return writeDictionary(context, value as Map<Variant, Variant> | Record<string, Variant>, depth);
    case VariantType.ARRAY:
      return writeArray(context, value as Variant[], depth);
    case VariantType.PACKED_BYTE_ARRAY: {
      const bytes = value as Uint8Array;
      out.uint32(type);
      out.uint32(bytes.length);
      out.bytes(bytes);
      out.pad4(bytes.length);
      return;
    }
    case VariantType.PACKED_INT32_ARRAY:
    case VariantType.PACKED_INT64_ARRAY:
    case VariantType.PACKED_FLOAT32_ARRAY:
    case VariantType.PACKED_FLOAT64_ARRAY: {
      const array = value as Int32Array | BigInt64Array | Float32Array | Float64Array;
      out.uint32(type);
      out.uint32(array.length);
      out.elements(array);
      return;
    }
    case VariantType.PACKED_STRING_ARRAY: {
      const strings = value as string[];
      out.uint32(type);
      out.uint32(strings.length);
      // Godot writes each string of a PackedStringArray with its terminating NUL counted.
      for (const string of strings) writeString(out, checkString(string, 'PackedStringArray element'), true);
      return;
    }
    default:
      return writeMath(context, type, value);
  }
}

function writeInt(out: ByteWriter, value: number | bigint): void {
  if (value >= INT32_MIN && value <= INT32_MAX) {
    out.uint32(VariantType.INT);
    out.int32(Number(value));
  } else {
    out.uint32(VariantType.INT | FLAG_64);
    out.int64(BigInt(value));
  }
}

function writeFloat(out: ByteWriter, value: number): void {
  if (typeof value !== 'number') invalid(`a Float holds a ${describe(value)}`);
  // As Godot: 32 bits when the float loses nothing (never for NaN, which equals nothing).
  if (Math.fround(value) === value) {
    out.uint32(VariantType.FLOAT);
    out.float32(value);
  } else {
    out.uint32(VariantType.FLOAT | FLAG_64);
    out.float64(value);
  }
}

/** A string: its UTF-8 length, the bytes (and a NUL when `terminated`), zeros to 4 bytes. */
function writeString(out: ByteWriter, value: string, terminated = false): void {
  const lengthAt = out.length;
  out.uint32(0);
  const length = out.utf8(value);
  if (terminated) out.uint8(0);
  out.setUint32(lengthAt, length + (terminated ? 1 : 0));
  out.pad4(length + (terminated ? 1 : 0));
}

function writeNodePath(out: ByteWriter, path: NodePath): void {
  out.uint32((path.names.length | NODE_PATH_NEW_FORMAT) >>> 0);
  out.uint32(path.subnames.length);
  out.uint32(path.absolute ? 1 : 0);
  for (const name of [...path.names, ...path.subnames]) writeString(out, checkString(name, 'NodePath name'));
}

function writeObject(context: Context, object: EncodedObjectAsID | EncodedObject, depth: number): void {
  const { out } = context;
  if (!(object instanceof EncodedObject)) {
    out.uint32(VariantType.OBJECT | FLAG_OBJECT_AS_ID);
    out.uint64(checkUint64(object.objectId, 'EncodedObjectAsID objectId'));
    return;
  }
  if (!context.fullObjects) invalid('an EncodedObject needs the fullObjects option');
  if (checkString(object.className, 'EncodedObject className') === '') invalid('an EncodedObject needs a class name');
  out.uint32(VariantType.OBJECT);
  writeString(out, object.className);
  out.uint32(object.properties.size);
  for (const [name, value] of object.properties) {
    writeString(out, checkString(name, 'property name'));
    writeVariant(context, value, depth + 1, VariantType.NIL);
  }
}

function writeArray(context: Context, array: Variant[], depth: number): void {
  const elementType = array instanceof TypedArray ? array.elementType : null;
  context.out.uint32(VariantType.ARRAY | containerKind(context, elementType) << ARRAY_TYPE_SHIFT);
  writeContainerType(context, elementType);
  context.out.uint32(array.length);
  for (let index = 0; index < array.length; index++) {
    writeElement(context, array[index], elementType, depth, 'Array');
  }
}

function writeDictionary(context: Context, dictionary: Map<Variant, Variant> | Record<string, Variant>, depth: number): void {
  const typed = dictionary instanceof TypedDictionary;
  const keyType = typed ? dictionary.keyType : null;
  const valueType = typed ? dictionary.valueType : null;
  const entries = dictionary instanceof Map ? dictionary : Object.entries(dictionary);
  const size = dictionary instanceof Map ? dictionary.size : (entries as unknown[]).length;
  context.out.uint32(VariantType.DICTIONARY | containerKind(context, keyType) << DICTIONARY_KEY_SHIFT | containerKind(context, valueType) << DICTIONARY_VALUE_SHIFT);
  writeContainerType(context, keyType);
  writeContainerType(context, valueType);
  context.out.uint32(size);
  for (const [key, value] of entries) {
    writeElement(context, key, keyType, depth, 'Dictionary key');
    writeElement(context, value, valueType, depth, 'Dictionary value');
  }
}

/** Writes an element of a container, checking it against the container's type. */
function writeElement(context: Context, value: Variant, type: ContainerType | null, depth: number, where: string): void {
  const builtin = type?.builtin ?? VariantType.NIL;
  if (builtin !== VariantType.NIL) {
    const actual = variantTypeOf(value, builtin);
    if (actual !== builtin && !(builtin === VariantType.OBJECT && actual === VariantType.NIL)) {
      invalid(`a typed ${where} of ${VariantType[builtin]} holds a ${actual === null ? describe(value) : VariantType[actual]}`);
    }
  }
  writeVariant(context, value, depth + 1, builtin);
}

function containerKind(context: Context, type: ContainerType | null): ContainerKind {
  if (type === null || type.builtin === VariantType.NIL) return ContainerKind.NONE;
  if (!Number.isInteger(type.builtin) || type.builtin < 0 || type.builtin >= VARIANT_TYPE_COUNT) {
    invalid(`container type ${type.builtin} is no VariantType`);
  }
  if (type.builtin !== VariantType.OBJECT && (type.className !== '' || type.script !== '')) {
    invalid(`a container of ${VariantType[type.builtin]} has a class or script`);
  }
  if (type.script !== '') return context.fullObjects ? ContainerKind.SCRIPT : ContainerKind.CLASS_NAME;
  return type.className !== '' ? ContainerKind.CLASS_NAME : ContainerKind.BUILTIN;
}

/** Writes what follows the header for a typed container; without fullObjects Godot names no object class. */
function writeContainerType(context: Context, type: ContainerType | null): void {
  switch (containerKind(context, type)) {
    case ContainerKind.NONE:
      return;
    case ContainerKind.BUILTIN:
      context.out.uint32(type!.builtin);
      return;
    case ContainerKind.CLASS_NAME:
      writeString(context.out, context.fullObjects ? checkString(type!.className, 'class name') : OBJECT_AS_ID_CLASS);
      return;
    case ContainerKind.SCRIPT:
      writeString(context.out, checkString(type!.script, 'script path'));
      return;
  }
}

const vector2 = (v: Vector2 | Vector2i) => [v.x, v.y];
const vector3 = (v: Vector3 | Vector3i) => [v.x, v.y, v.z];
const vector4 = (v: Vector4 | Vector4i | Quaternion) => [v.x, v.y, v.z, v.w];
// Godot writes a Basis row by row; the class holds its columns (GDScript's basis.x, .y, .z).
const basisRows = (b: Basis) => [b.x.x, b.y.x, b.z.x, b.x.y, b.y.y, b.z.y, b.x.z, b.y.z, b.z.z];

/** The components of a math value, in Godot's order on the wire. */
const mathParts: Partial<Record<VariantType, (value: never) => unknown[]>> = {
  [VariantType.VECTOR2]: vector2,
  [VariantType.VECTOR2I]: vector2,
  [VariantType.VECTOR3]: vector3,
  [VariantType.VECTOR3I]: vector3,
  [VariantType.VECTOR4]: vector4,
  [VariantType.VECTOR4I]: vector4,
  [VariantType.QUATERNION]: vector4,
  [VariantType.RECT2]: (r: Rect2) => [...vector2(r.position), ...vector2(r.size)],
  [VariantType.RECT2I]: (r: Rect2i) => [...vector2(r.position), ...vector2(r.size)],
  [VariantType.AABB]: (b: AABB) => [...vector3(b.position), ...vector3(b.size)],
  [VariantType.PLANE]: (p: Plane) => [...vector3(p.normal), p.d],
  [VariantType.TRANSFORM2D]: (t: Transform2D) => [...vector2(t.x), ...vector2(t.y), ...vector2(t.origin)],
  [VariantType.BASIS]: basisRows,
  [VariantType.TRANSFORM3D]: (t: Transform3D) => [...basisRows(t.basis), ...vector3(t.origin)],
  [VariantType.PROJECTION]: (p: Projection) => [...vector4(p.x), ...vector4(p.y), ...vector4(p.z), ...vector4(p.w)],
  [VariantType.COLOR]: (c: Color) => [c.r, c.g, c.b, c.a],
};

const integerTypes = new Set([VariantType.VECTOR2I, VariantType.VECTOR3I, VariantType.VECTOR4I, VariantType.RECT2I]);
// Godot writes colors as 32-bit floats in every build.
const singlePrecisionTypes = new Set([VariantType.COLOR, VariantType.PACKED_COLOR_ARRAY]);

const packedVectorTypes: Partial<Record<VariantType, VariantType>> = {
  [VariantType.PACKED_VECTOR2_ARRAY]: VariantType.VECTOR2,
  [VariantType.PACKED_VECTOR3_ARRAY]: VariantType.VECTOR3,
  [VariantType.PACKED_VECTOR4_ARRAY]: VariantType.VECTOR4,
  [VariantType.PACKED_COLOR_ARRAY]: VariantType.COLOR,
};

/**
 * The math types, Color and the packed arrays of vectors and colors: floats (32-bit unless
 * doublePrecision, colors always 32-bit) or int32s.
 */
function writeMath(context: Context, type: VariantType, value: Variant): void {
  const { out } = context;
  const integers = integerTypes.has(type);
  const real64 = context.real64 && !integers && !singlePrecisionTypes.has(type);
  out.uint32(type | (real64 ? FLAG_64 : 0));
  const elementType = packedVectorTypes[type];
  const elements = elementType === undefined ? [value] : value as Vector2[];
  if (elementType !== undefined) out.uint32(elements.length);
  for (const element of elements) {
    if (elementType !== undefined && variantTypeOf(element) !== elementType) {
      invalid(`a ${VariantType[type]} holds a ${describe(element)}`);
    }
    for (const part of partsOf(elementType ?? type, element)) {
      if (integers) out.int32(checkInt32(part));
      else if (real64) out.float64(checkReal(part));
      else out.float32(checkReal(part));
    }
  }
}

function partsOf(type: VariantType, value: Variant): unknown[] {
  try {
    return mathParts[type]!(value as never);
  } catch (error) {
    // A missing part (a Rect2 whose size is undefined) fails on reading its fields.
    if (error instanceof TypeError) invalid(`a ${VariantType[type]} with a missing part`);
    throw error;
  }
}

function checkReal(value: unknown): number {
  if (typeof value !== 'number') invalid(`a float component is a ${describe(value)}`);
  return value;
}

function checkInt32(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    invalid(`an integer component is ${typeof value === 'number' ? value : describe(value)}, not a 32-bit int`);
  }
  return value;
}

function checkUint64(value: unknown, what: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value >= 2n ** 64n) invalid(`${what} is not an unsigned 64-bit bigint`);
  return value;
}

function checkString(value: unknown, what: string): string {
  if (typeof value !== 'string') invalid(`${what} is a ${describe(value)}, not a string`);
  return value;
}
