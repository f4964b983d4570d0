// Godot's decode_variant (core/io/marshalls.cpp) into the JS forms of Variant, with Godot's
// checks and error codes: every length is checked against the bytes left before anything is
// allocated, so hostile input costs at most its own size.
import { endianness } from 'node:os';
import { ENetError, ErrorCode } from '../errors';
import { AABB } from './AABB';
import { Basis } from './Basis';
import { Callable } from './Callable';
import { Color } from './Color';
import { ContainerType, containerType } from './ContainerType';
import { EncodedObject } from './EncodedObject';
import { EncodedObjectAsID } from './EncodedObjectAsID';
import { Float } from './Float';
import {
  ARRAY_TYPE_SHIFT, ContainerKind, DICTIONARY_KEY_SHIFT, DICTIONARY_VALUE_SHIFT, FLAG_64, FLAG_OBJECT_AS_ID, MAX_DEPTH,
  NODE_PATH_NEW_FORMAT, OBJECT_AS_ID_CLASS,
} from './format';
import { NodePath } from './NodePath';
import { floatFromDouble, intFromInt64 } from './numbers';
import { PackedColorArray } from './PackedColorArray';
import { PackedStringArray } from './PackedStringArray';
import { PackedVector2Array } from './PackedVector2Array';
import { PackedVector3Array } from './PackedVector3Array';
import { PackedVector4Array } from './PackedVector4Array';
import { Plane } from './Plane';
import { Projection } from './Projection';
import { Quaternion } from './Quaternion';
import { Rect2 } from './Rect2';
import { Rect2i } from './Rect2i';
import { RID } from './RID';
import { Signal } from './Signal';
import { StringName } from './StringName';
import { Transform2D } from './Transform2D';
import { Transform3D } from './Transform3D';
import { TypedArray } from './TypedArray';
import { TypedDictionary } from './TypedDictionary';
import type { Variant } from './Variant';
import { variantTypeOf } from './variantTypeOf';
import { VariantType, VARIANT_TYPE_COUNT } from './VariantType';
import { Vector2 } from './Vector2';
import { Vector2i } from './Vector2i';
import { Vector3 } from './Vector3';
import { Vector3i } from './Vector3i';
import { Vector4 } from './Vector4';
import { Vector4i } from './Vector4i';

/** How {@link bytesToVar} and {@link decodeVariant} read values. */
export interface DecodeOptions {
  /**
   * Decode whole objects ({@link EncodedObject}), as Godot's `bytes_to_var_with_objects` and
   * `allow_object_decoding` do. Without it they throw ENetError ERR_UNAUTHORIZED, as in Godot.
   * Objects sent as their ID ({@link EncodedObjectAsID}) decode either way.
   */
  allowObjects?: boolean;
}

/** A value decoded by {@link decodeVariant} and the number of bytes it took. */
export interface DecodedVariant {
  /** The value. */
  value: Variant;
  /**
   * The bytes it took, as Godot's decode_variant counts them: this includes the padding of a
   * PackedByteArray even when the input ends before it, as Godot accepts there.
   */
  length: number;
}

const littleEndianHost = endianness() === 'LE';
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Reader {
  readonly bytes: Uint8Array;
  /** The same bytes as a Buffer, for its fast ASCII strings. */
  readonly buffer: Buffer;
  readonly view: DataView;
  readonly allowObjects: boolean;
  position: number;
}

function fail(code: ErrorCode, message: string, reader: Reader): never {
  throw new ENetError(code, `bytesToVar: ${message} at byte ${reader.position}`);
}

/** Fails with ERR_INVALID_DATA unless `count` bytes are left. */
function need(reader: Reader, count: number, what: string): void {
  if (reader.bytes.length - reader.position < count) fail(ErrorCode.ERR_INVALID_DATA, `truncated ${what}`, reader);
}

function uint32(reader: Reader): number {
  const value = reader.view.getUint32(reader.position, true);
  reader.position += 4;
  return value;
}

function int32(reader: Reader): number {
  const value = reader.view.getInt32(reader.position, true);
  reader.position += 4;
  return value;
}

function uint64(reader: Reader): bigint {
  const value = reader.view.getBigUint64(reader.position, true);
  reader.position += 8;
  return value;
}

/**
 * Godot's `bytes_to_var`: the value encoded at the start of `bytes` (bytes after it are ignored,
 * as in Godot). Throws ENetError with the code Godot's decode_variant returns: ERR_INVALID_DATA
 * for truncated or malformed input (a bad type, a count beyond the data, invalid UTF-8),
 * ERR_FILE_EOF for a string running past the end, ERR_UNAUTHORIZED for a whole object without
 * `allowObjects`, ERR_OUT_OF_MEMORY for nesting deeper than 1024 levels.
 */
export function bytesToVar(bytes: Uint8Array, options: DecodeOptions = {}): Variant {
  return decodeVariant(bytes, 0, options).value;
}

/** Decodes the value at `offset` of `bytes` (embedded in a larger packet) and says how long it was. */
export function decodeVariant(bytes: Uint8Array, offset: number = 0, options: DecodeOptions = {}): DecodedVariant {
  if (!(bytes instanceof Uint8Array)) {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, 'bytesToVar: bytes must be a Uint8Array or a Buffer');
  }
  if (!Number.isInteger(offset) || offset < 0 || offset > bytes.length) {
    throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `bytesToVar: offset ${offset} is outside the ${bytes.length} bytes`);
  }
  const reader: Reader = {
    bytes,
    buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    allowObjects: options.allowObjects === true,
    position: offset,
  };
  const value = readVariant(reader, 0);
  return { value, length: reader.position - offset };
}

function readVariant(reader: Reader, depth: number): Variant {
  if (depth > MAX_DEPTH) fail(ErrorCode.ERR_OUT_OF_MEMORY, `nested deeper than ${MAX_DEPTH} levels`, reader);
  need(reader, 4, 'header');
  const header = uint32(reader);
  const type: VariantType = header & 0xff;
  if (type >= VARIANT_TYPE_COUNT) {
    reader.position -= 4;
    fail(ErrorCode.ERR_INVALID_DATA, `unknown type ${type}`, reader);
  }
  const wide = (header & FLAG_64) !== 0;
  switch (type) {
    case VariantType.NIL:
      return null;
    case VariantType.BOOL:
      need(reader, 4, 'bool');
      return uint32(reader) !== 0;
    case VariantType.INT:
      if (wide) {
        need(reader, 8, 'int');
        return intFromInt64(BigInt.asIntN(64, uint64(reader)));
      }
      need(reader, 4, 'int');
      return int32(reader);
    case VariantType.FLOAT:
      return floatFromDouble(readReal(reader, wide, 1, 'float')[0]);
    case VariantType.STRING:
      return readString(reader);
    case VariantType.VECTOR2:
      return readVector2(readReal(reader, wide, 2, 'Vector2'), 0);
    case VariantType.VECTOR2I:
      return readVector2i(readInt32s(reader, 2, 'Vector2i'), 0);
    case VariantType.RECT2: {
      const parts = readReal(reader, wide, 4, 'Rect2');
      return new Rect2(readVector2(parts, 0), readVector2(parts, 2));
    }
    case VariantType.RECT2I: {
      const parts = readInt32s(reader, 4, 'Rect2i');
      return new Rect2i(readVector2i(parts, 0), readVector2i(parts, 2));
    }
    case VariantType.VECTOR3:
      return readVector3(readReal(reader, wide, 3, 'Vector3'), 0);
    case VariantType.VECTOR3I: {
      const parts = readInt32s(reader, 3, 'Vector3i');
      return new Vector3i(parts[0], parts[1], parts[2]);
    }
    case VariantType.TRANSFORM2D: {
      const parts = readReal(reader, wide, 6, 'Transform2D');
      return new Transform2D(readVector2(parts, 0), readVector2(parts, 2), readVector2(parts, 4));
    }
    case VariantType.VECTOR4:
      return readVector4(readReal(reader, wide, 4, 'Vector4'), 0);
    case VariantType.VECTOR4I: {
      const parts = readInt32s(reader, 4, 'Vector4i');
      return new Vector4i(parts[0], parts[1], parts[2], parts[3]);
    }
    case VariantType.PLANE: {
      const parts = readReal(reader, wide, 4, 'Plane');
      return new Plane(readVector3(parts, 0), parts[3]);
    }
    case VariantType.QUATERNION: {
      const parts = readReal(reader, wide, 4, 'Quaternion');
      return new Quaternion(parts[0], parts[1], parts[2], parts[3]);
    }
    case VariantType.AABB: {
      const parts = readReal(reader, wide, 6, 'AABB');
      return new AABB(readVector3(parts, 0), readVector3(parts, 3));
    }
    case VariantType.BASIS:
      return readBasis(readReal(reader, wide, 9, 'Basis'));
    case VariantType.TRANSFORM3D: {
      const parts = readReal(reader, wide, 12, 'Transform3D');
      return new Transform3D(readBasis(parts), readVector3(parts, 9));
    }
    case VariantType.PROJECTION: {
      const parts = readReal(reader, wide, 16, 'Projection');
      return new Projection(readVector4(parts, 0), readVector4(parts, 4), readVector4(parts, 8), readVector4(parts, 12));
    }
    case VariantType.COLOR:
      return readColor(readReal(reader, false, 4, 'Color'), 0);
    case VariantType.STRING_NAME:
      return new StringName(readString(reader));
    case VariantType.NODE_PATH:
      return readNodePath(reader);
    case VariantType.RID:
      need(reader, 8, 'RID');
      return new RID(uint64(reader));
    case VariantType.OBJECT:
      return readObject(reader, header, depth);
    case VariantType.CALLABLE:
      return new Callable();
    case VariantType.SIGNAL: {
      const name = readString(reader);
      need(reader, 8, 'Signal');
      return new Signal(name, uint64(reader));
    }
    case VariantType.DICTIONARY:
      return readDictionary(reader, header, depth);
    case VariantType.ARRAY:
      return readArray(reader, header, depth);
    case VariantType.PACKED_BYTE_ARRAY: {
      const count = readCount(reader, 1, 'PackedByteArray');
      const bytes = Buffer.from(reader.bytes.subarray(reader.position, reader.position + count));
      // Godot counts the padding without checking that it is there.
      reader.position += count + (4 - (count % 4)) % 4;
      return bytes;
    }
    case VariantType.PACKED_INT32_ARRAY:
      return new Int32Array(readElements(reader, 4, 'PackedInt32Array'));
    case VariantType.PACKED_INT64_ARRAY:
      return new BigInt64Array(readElements(reader, 8, 'PackedInt64Array'));
    case VariantType.PACKED_FLOAT32_ARRAY:
      return new Float32Array(readElements(reader, 4, 'PackedFloat32Array'));
    case VariantType.PACKED_FLOAT64_ARRAY:
      return new Float64Array(readElements(reader, 8, 'PackedFloat64Array'));
    case VariantType.PACKED_STRING_ARRAY: {
      need(reader, 4, 'PackedStringArray size');
      const count = int32(reader);
      const strings = new PackedStringArray();
      // A negative count reads as empty in Godot; each string takes at least 4 bytes, so a huge
      // count runs out of data long before memory.
      for (let index = 0; index < count; index++) strings.push(readString(reader));
      return strings;
    }
    case VariantType.PACKED_VECTOR2_ARRAY:
      return new PackedVector2Array(readPackedReals(reader, wide, 2, 'PackedVector2Array', readVector2));
    case VariantType.PACKED_VECTOR3_ARRAY:
      return new PackedVector3Array(readPackedReals(reader, wide, 3, 'PackedVector3Array', readVector3));
    case VariantType.PACKED_COLOR_ARRAY:
      return new PackedColorArray(readPackedReals(reader, false, 4, 'PackedColorArray', readColor));
    case VariantType.PACKED_VECTOR4_ARRAY:
      return new PackedVector4Array(readPackedReals(reader, wide, 4, 'PackedVector4Array', readVector4));
  }
}

/** `count` floats, 64-bit when `wide`, else 32-bit. */
function readReal(reader: Reader, wide: boolean, count: number, what: string): number[] {
  const size = wide ? 8 : 4;
  need(reader, size * count, what);
  const parts = new Array<number>(count);
  for (let index = 0; index < count; index++) {
    parts[index] = wide ? reader.view.getFloat64(reader.position, true) : reader.view.getFloat32(reader.position, true);
    reader.position += size;
  }
  return parts;
}

function readInt32s(reader: Reader, count: number, what: string): number[] {
  need(reader, 4 * count, what);
  return Array.from({ length: count }, () => int32(reader));
}

const readVector2 = (parts: number[], at: number) => new Vector2(parts[at], parts[at + 1]);
const readVector2i = (parts: number[], at: number) => new Vector2i(parts[at], parts[at + 1]);
const readVector3 = (parts: number[], at: number) => new Vector3(parts[at], parts[at + 1], parts[at + 2]);
const readVector4 = (parts: number[], at: number) => new Vector4(parts[at], parts[at + 1], parts[at + 2], parts[at + 3]);
const readColor = (parts: number[], at: number) => new Color(parts[at], parts[at + 1], parts[at + 2], parts[at + 3]);

/** A Basis from its nine parts row by row (Godot's order), as its columns. */
function readBasis(p: number[]): Basis {
  return new Basis(new Vector3(p[0], p[3], p[6]), new Vector3(p[1], p[4], p[7]), new Vector3(p[2], p[5], p[8]));
}

/**
 * A packed array's int32 count, checked as Godot does: not negative, and `count * size` within
 * the bytes left (ERR_INVALID_DATA).
 */
function readCount(reader: Reader, size: number, what: string): number {
  need(reader, 4, `${what} size`);
  const count = int32(reader);
  if (count < 0 || count * size > reader.bytes.length - reader.position) {
    fail(ErrorCode.ERR_INVALID_DATA, `${what} of ${count} elements beyond the data`, reader);
  }
  return count;
}

/** A copy of a packed array's elements as bytes in host order, for a typed array over them. */
function readElements(reader: Reader, size: number, what: string): ArrayBuffer {
  const count = readCount(reader, size, what);
  const copy = new Uint8Array(count * size);
  copy.set(reader.bytes.subarray(reader.position, reader.position + count * size));
  reader.position += count * size;
  if (!littleEndianHost) {
    const swapped = Buffer.from(copy.buffer);
    if (size === 4) swapped.swap32();
    else swapped.swap64();
  }
  return copy.buffer;
}

function readPackedReals<T>(reader: Reader, wide: boolean, parts: number, what: string, make: (parts: number[], at: number) => T): T[] {
  const count = readCount(reader, parts * (wide ? 8 : 4), what);
  const values = readReal(reader, wide, count * parts, what);
  return Array.from({ length: count }, (_, index) => make(values, index * parts));
}

/**
 * A string: uint32 byte length, UTF-8, zero padding to 4 bytes. As Godot: a length past the end
 * is ERR_FILE_EOF, invalid UTF-8 ERR_INVALID_DATA; the text stops at a NUL and loses a leading BOM.
 */
function readString(reader: Reader): string {
  need(reader, 4, 'string length');
  const length = int32(reader);
  const padded = length + (4 - (length % 4)) % 4;
  if (length < 0 || padded > reader.bytes.length - reader.position) {
    fail(ErrorCode.ERR_FILE_EOF, `string of ${length} bytes beyond the data`, reader);
  }
  const string = decodeUtf8(reader, reader.position, reader.position + length);
  reader.position += padded;
  return string;
}

/** The text of bytes `start` to `end`, up to a NUL; ASCII directly, the rest through TextDecoder. */
function decodeUtf8(reader: Reader, start: number, end: number): string {
  const { bytes } = reader;
  let ascii = true;
  for (let index = start; index < end; index++) {
    if (bytes[index] === 0) {
      end = index;
      break;
    }
    if (bytes[index] >= 0x80) ascii = false;
  }
  if (ascii) return reader.buffer.toString('latin1', start, end);
  try {
    return utf8.decode(bytes.subarray(start, end));
  } catch {
    return fail(ErrorCode.ERR_INVALID_DATA, 'invalid UTF-8 in a string', reader);
  }
}

function readNodePath(reader: Reader): NodePath {
  need(reader, 4, 'NodePath');
  const nameCount = reader.view.getUint32(reader.position, true);
  if ((nameCount & NODE_PATH_NEW_FORMAT) === 0) fail(ErrorCode.ERR_INVALID_DATA, 'NodePath in the old format', reader);
  need(reader, 12, 'NodePath');
  reader.position += 4;
  let subnameCount = uint32(reader);
  const flags = uint32(reader);
  // Flag 2: an obsolete format that kept the property apart from the subnames.
  if (flags & 2) subnameCount = (subnameCount + 1) >>> 0;
  const names: string[] = [];
  const subnames: string[] = [];
  const namesEnd = (nameCount & ~NODE_PATH_NEW_FORMAT) >>> 0;
  // Godot adds the two counts as uint32s, wrapping around.
  const total = (namesEnd + subnameCount) >>> 0;
  for (let index = 0; index < total; index++) {
    (index < namesEnd ? names : subnames).push(readString(reader));
  }
  return NodePath.fromParts(names, subnames, (flags & 1) !== 0);
}

function readObject(reader: Reader, header: number, depth: number): EncodedObjectAsID | EncodedObject | null {
  if (header & FLAG_OBJECT_AS_ID) {
    need(reader, 8, 'object ID');
    const id = uint64(reader);
    return id === 0n ? null : new EncodedObjectAsID(id);
  }
  if (!reader.allowObjects) fail(ErrorCode.ERR_UNAUTHORIZED, 'an object, and objects are not allowed (allowObjects)', reader);
  const className = readString(reader);
  if (className === '') return null;
  need(reader, 4, 'object property count');
  const count = int32(reader);
  const properties = new Map<string, Variant>();
  for (let index = 0; index < count; index++) {
    const name = readString(reader);
    const value = readVariant(reader, depth + 1);
    if (name === 'script' && value !== null && (typeof value !== 'string' || !value.startsWith('res://'))) {
      fail(ErrorCode.ERR_INVALID_DATA, 'an object\'s script is not a res:// path', reader);
    }
    properties.set(name, value);
  }
  return new EncodedObject(className, properties);
}

/** A typed container's element type, after the header (kind from the header's two bits). */
function readContainerType(reader: Reader, kind: ContainerKind): ContainerType {
  switch (kind) {
    case ContainerKind.NONE:
      return containerType(VariantType.NIL);
    case ContainerKind.BUILTIN: {
      need(reader, 4, 'container type');
      const builtin = int32(reader);
      if (builtin < 0 || builtin >= VARIANT_TYPE_COUNT) fail(ErrorCode.ERR_INVALID_DATA, `unknown container type ${builtin}`, reader);
      const objectClass = builtin === VariantType.OBJECT && !reader.allowObjects ? OBJECT_AS_ID_CLASS : '';
      return containerType({ builtin, className: objectClass });
    }
    case ContainerKind.CLASS_NAME: {
      const className = readString(reader);
      return containerType({ builtin: VariantType.OBJECT, className: reader.allowObjects ? className : OBJECT_AS_ID_CLASS });
    }
    case ContainerKind.SCRIPT: {
      const script = readString(reader);
      if (!reader.allowObjects) return containerType({ builtin: VariantType.OBJECT, className: OBJECT_AS_ID_CLASS });
      if (!script.startsWith('res://')) fail(ErrorCode.ERR_INVALID_DATA, `invalid script path "${script}"`, reader);
      return containerType({ builtin: VariantType.OBJECT, script });
    }
  }
}

/**
 * An element of a typed container. Godot converts an int to a float in a float container and
 * drops other mismatches; here they fail (ERR_INVALID_DATA), as Godot never writes them.
 */
function readElement(reader: Reader, type: ContainerType, depth: number): Variant {
  const start = reader.position;
  const value = readVariant(reader, depth + 1);
  if (type.builtin === VariantType.NIL) return value;
  if (type.builtin === VariantType.FLOAT) {
    if (value instanceof Float) return value.value;
    if (typeof value === 'number' || typeof value === 'bigint') return Number(value);
  }
  const actual = variantTypeOf(value, type.builtin);
  if (actual !== type.builtin && !(type.builtin === VariantType.OBJECT && value === null)) {
    reader.position = start;
    fail(ErrorCode.ERR_INVALID_DATA, `element of type ${VariantType[actual!]} in a container of ${VariantType[type.builtin]}`, reader);
  }
  return value;
}

function readArray(reader: Reader, header: number, depth: number): Variant[] {
  const type = readContainerType(reader, (header >>> ARRAY_TYPE_SHIFT) & 3);
  need(reader, 4, 'Array size');
  // The top bit once meant "shared"; Godot ignores it.
  const count = uint32(reader) & 0x7fffffff;
  const array: Variant[] = type.builtin === VariantType.NIL ? [] : new TypedArray(type);
  for (let index = 0; index < count; index++) array.push(readElement(reader, type, depth));
  return array;
}

function readDictionary(reader: Reader, header: number, depth: number): Map<Variant, Variant> {
  const keyType = readContainerType(reader, (header >>> DICTIONARY_KEY_SHIFT) & 3);
  const valueType = readContainerType(reader, (header >>> DICTIONARY_VALUE_SHIFT) & 3);
  need(reader, 4, 'Dictionary size');
  const count = uint32(reader) & 0x7fffffff;
  const typed = keyType.builtin !== VariantType.NIL || valueType.builtin !== VariantType.NIL;
  const dictionary = typed ? new TypedDictionary(keyType, valueType) : new Map<Variant, Variant>();
  for (let index = 0; index < count; index++) {
    const key = readElement(reader, keyType, depth);
    dictionary.set(key, readElement(reader, valueType, depth));
  }
  return dictionary;
}
