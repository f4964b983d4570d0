// Godot's binary Variant format against the real Godot 4.6.3 (test/godot/project/variant_codec.gd),
// in one Godot run: for a fixed list of values of every type, Godot's var_to_bytes equals
// varToBytes of the same value written in JS, bytesToVar of Godot's bytes gives that JS value back
// and encodes to the same bytes, and Godot's bytes_to_var of our bytes gives its own value back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  AABB, Basis, bytesToVar, Callable, Color, EncodedObject, EncodedObjectAsID, Float, NodePath, PackedColorArray,
  PackedStringArray, PackedVector2Array, PackedVector3Array, PackedVector4Array, Plane, Projection, Quaternion, Rect2,
  Rect2i, RID, Signal, StringName, Transform2D, Transform3D, TypedArray, TypedDictionary, Variant, VariantType,
  varToBytes, Vector2, Vector2i, Vector3, Vector3i, Vector4, Vector4i,
} from '../../lib/index';
import { expectENetError } from '../helpers';
import { describeGodot, runGodot } from './godot';

/** Arrays nested `levels` deep, the innermost empty (the program's _nested). */
function nested(levels: number): Variant[] {
  let array: Variant[] = [];
  for (let level = 1; level < levels; level++) array = [array];
  return array;
}

const basis = new Basis(new Vector3(1, 2, 3), new Vector3(4, 5, 6), new Vector3(7, 8, 9));

/** The program's values as JS writes them, by case name. */
const values: Record<string, Variant> = {
  nil: null,
  bool_true: true,
  bool_false: false,
  int_0: 0,
  int_1: 1,
  int_minus_1: -1,
  int32_max: 2147483647,
  int32_min: -2147483648,
  int32_max_plus_1: 2147483648,
  int32_min_minus_1: -2147483649,
  int_2_53_plus_1: 9007199254740993n,
  int64_max: 9223372036854775807n,
  int64_min: -9223372036854775808n,
  float_0: new Float(0),
  float_minus_0: new Float(-0),
  float_1: new Float(1),
  float_3: new Float(3),
  float_half: 0.5,
  float_tenth: 0.1,
  float_third: 1 / 3,
  float_2_24: new Float(16777216),
  float_1e20: 1e20, // beyond int64: a plain number is a float
  float_1e300: 1e300,
  float_2_63: 2 ** 63,
  float_tiny: 1e-45,
  float_nan: NaN,
  float_inf: Infinity,
  float_minus_inf: -Infinity,
  string_empty: '',
  string_1: 'a',
  string_3: 'abc',
  string_4: 'abcd',
  string_5: 'abcde',
  string_accents: 'héllo wörld',
  string_cjk: '日本語のテキスト',
  string_emoji: '🎮 ok',
  string_name_empty: new StringName(''),
  string_name: new StringName('player_name'),
  node_path_empty: new NodePath(''),
  node_path_root: new NodePath('/'),
  node_path_absolute: new NodePath('/root/Main/Player'),
  node_path_relative: new NodePath('Player/Sprite2D'),
  node_path_subnames: new NodePath('Player/Sprite2D:position:x'),
  node_path_absolute_subname: new NodePath('/root/Main:visible'),
  node_path_only_subname: new NodePath(':position'),
  node_path_parent: new NodePath('../Sibling'),
  vector2: new Vector2(1.5, -2.25),
  vector2_rounded: new Vector2(Math.fround(0.1), Math.fround(1e20)),
  vector2i: new Vector2i(-2147483648, 2147483647),
  rect2: new Rect2(new Vector2(1, 2), new Vector2(3.5, 4.25)),
  rect2i: new Rect2i(new Vector2i(-1, 2), new Vector2i(30, 40)),
  vector3: new Vector3(1, -2.5, Math.fround(1e-3)),
  vector3i: new Vector3i(1, -2, 3),
  transform2d: new Transform2D(new Vector2(1, 2), new Vector2(3, 4), new Vector2(5, 6)),
  vector4: new Vector4(1, 2, 3, 4.5),
  vector4i: new Vector4i(-4, 3, -2, 1),
  plane: new Plane(new Vector3(0, 1, 0), 5.5),
  quaternion: new Quaternion(Math.fround(0.1), Math.fround(0.2), Math.fround(0.3), Math.fround(0.9)),
  aabb: new AABB(new Vector3(-1, -2, -3), new Vector3(4, 5, 6)),
  basis,
  transform3d: new Transform3D(basis, new Vector3(10, 11, 12)),
  projection: new Projection(new Vector4(1, 2, 3, 4), new Vector4(5, 6, 7, 8), new Vector4(9, 10, 11, 12), new Vector4(13, 14, 15, 16)),
  color: new Color(Math.fround(0.1), Math.fround(0.2), Math.fround(0.3), Math.fround(0.4)),
  color_red: new Color(1, 0, 0, 1),
  rid_empty: new RID(),
  rid: new RID(123456789n),
  rid_max: new RID(2n ** 64n - 1n),
  callable: new Callable(),
  signal_empty: new Signal('', 0n),
  array_empty: [],
  array_mixed: [1, 'a', 2.5, null, true, new Float(3)],
  array_nested: [[1, [2, [3]]], new Map(), [[]]],
  array_typed_int: new TypedArray(VariantType.INT, [1, 2, 3]),
  array_typed_int_empty: new TypedArray(VariantType.INT),
  array_typed_float: new TypedArray(VariantType.FLOAT, [1, 2.5, -0]),
  array_typed_string: new TypedArray(VariantType.STRING, ['a', '']),
  array_typed_string_name: new TypedArray(VariantType.STRING_NAME, [new StringName('a')]),
  array_typed_vector2: new TypedArray(VariantType.VECTOR2, [new Vector2(1, 2)]),
  array_typed_array: new TypedArray(VariantType.ARRAY, [[1], []]),
  array_typed_node: new TypedArray({ builtin: VariantType.OBJECT, className: 'EncodedObjectAsID' }),
  array_deep_1025: nested(1025),
  dictionary_empty: new Map(),
  dictionary_mixed: new Map<Variant, Variant>([['b', 1], ['a', [2]], ['1', 3.5]]),
  dictionary_keys: new Map<Variant, Variant>([
    [1, 'int'], [2.5, 'float'], [new StringName('name'), 'string name'], [new Vector2(1, 2), null], ['', new Map()],
  ]),
  dictionary_nested: new Map([['inner', new Map([['deeper', new Map([['list', [1, new Map([['x', null]])]]])]])]]),
  dictionary_typed: new TypedDictionary(VariantType.STRING, VariantType.INT, [['a', 1], ['b', 2]]),
  dictionary_typed_key: new TypedDictionary(VariantType.STRING_NAME, VariantType.NIL, [[new StringName('k'), [1]]]),
  dictionary_typed_value_float: new TypedDictionary(VariantType.NIL, VariantType.FLOAT, [[1, 2]]),
  packed_byte_empty: Buffer.alloc(0),
  packed_byte_3: Buffer.from([1, 2, 255]),
  packed_byte_4: Buffer.from([0, 1, 2, 3]),
  packed_byte_5: Buffer.from([9, 8, 7, 6, 5]),
  packed_int32: new Int32Array([-2147483648, 0, 2147483647]),
  packed_int64: new BigInt64Array([-(2n ** 63n), 0n, 2n ** 63n - 1n]),
  packed_float32: new Float32Array([0.5, -0, Infinity, NaN]),
  packed_float64: new Float64Array([0.1, -0, -Infinity, 1e300]),
  packed_string: new PackedStringArray(['', 'a', 'abc', 'abcd', 'héllo']),
  packed_string_empty: new PackedStringArray(),
  packed_vector2: new PackedVector2Array([new Vector2(1, 2), new Vector2(-0.5, 0.25)]),
  packed_vector3: new PackedVector3Array([new Vector3(1, 2, 3)]),
  packed_color: new PackedColorArray([new Color(1, 0, 0, 0.5), new Color(Math.fround(0.1), Math.fround(0.2), Math.fround(0.3))]),
  packed_vector4: new PackedVector4Array([new Vector4(1, 2, 3, 4)]),
  packed_vector2_empty: new PackedVector2Array(),
};

/**
 * Cases whose bytes hold instance IDs of the Godot process (objects, a node's signal), or whole
 * objects: checked as a byte-for-byte round trip through bytesToVar and varToBytes.
 */
const roundTripOnly: Record<string, { objects: boolean; type: new (...args: never[]) => unknown }> = {
  object_as_id: { objects: false, type: EncodedObjectAsID },
  signal_of_node: { objects: false, type: Signal },
  array_typed_node_full: { objects: false, type: TypedArray },
  object_full: { objects: true, type: EncodedObject },
};

/** Encodings JS writes differently from Godot, which must decode equal to a case's value. */
const likeCases: Array<{ name: string; like: string; bytes: Buffer }> = [
  { name: 'plain object', like: 'dictionary_mixed', bytes: varToBytes({ b: 1, a: [2], 1: 3.5 }) },
  { name: 'Uint8Array', like: 'packed_byte_3', bytes: varToBytes(new Uint8Array([1, 2, 255])) },
  { name: 'double-precision Vector2', like: 'vector2', bytes: varToBytes(values.vector2, { doublePrecision: true }) },
  { name: 'double-precision Transform3D', like: 'transform3d', bytes: varToBytes(values.transform3d, { doublePrecision: true }) },
  { name: 'double-precision PackedVector2Array', like: 'packed_vector2', bytes: varToBytes(values.packed_vector2, { doublePrecision: true }) },
  { name: 'untyped array of floats', like: 'array_typed_float', bytes: varToBytes([new Float(1), 2.5, new Float(-0)]) },
];

const hex = (...words: string[]) => words.join('');
const deepArrays = (levels: number) => hex(...Array(levels - 1).fill('1c00000001000000'), '1c00000000000000');

/** Hostile inputs: Godot's bytes_to_var must refuse each (null) as bytesToVar throws `code`. */
const malformed: Record<string, { hex: string; code: string }> = {
  empty: { hex: '', code: 'ERR_INVALID_DATA' },
  truncated_int: { hex: '02000000', code: 'ERR_INVALID_DATA' },
  truncated_int64: { hex: '0200010001000000', code: 'ERR_INVALID_DATA' },
  unknown_type: { hex: '27000000', code: 'ERR_INVALID_DATA' },
  string_beyond_data: { hex: '04000000ffffff7f', code: 'ERR_FILE_EOF' },
  string_negative_length: { hex: '04000000ffffffff', code: 'ERR_FILE_EOF' },
  string_invalid_utf8: { hex: '0400000002000000c3280000', code: 'ERR_INVALID_DATA' },
  string_overlong_utf8: { hex: '0400000002000000c0af0000', code: 'ERR_INVALID_DATA' },
  string_surrogate_utf8: { hex: '0400000003000000eda08000', code: 'ERR_INVALID_DATA' },
  array_count_beyond_data: { hex: '1c000000ffffff7f', code: 'ERR_INVALID_DATA' },
  dictionary_count_beyond_data: { hex: '1b000000ffffff7f02000000', code: 'ERR_INVALID_DATA' },
  packed_bytes_beyond_data: { hex: '1d000000ffffff7f', code: 'ERR_INVALID_DATA' },
  packed_int32_overflowing_count: { hex: '1e00000000000040', code: 'ERR_INVALID_DATA' },
  packed_vector3_beyond_data: { hex: '2400000002000000000000000000000000000000', code: 'ERR_INVALID_DATA' },
  node_path_old_format: { hex: '1600000001000000', code: 'ERR_INVALID_DATA' },
  typed_array_unknown_type: { hex: '1c0001006300000000000000', code: 'ERR_INVALID_DATA' },
  full_object_not_allowed: { hex: varToBytes(new EncodedObject('Resource', {}), { fullObjects: true }).toString('hex'), code: 'ERR_UNAUTHORIZED' },
  nested_1026: { hex: deepArrays(1026), code: 'ERR_OUT_OF_MEMORY' },
};

/** Odd inputs Godot's bytes_to_var accepts: bytesToVar accepts them too and gives `value`. */
const accepted: Record<string, { hex: string; value: Variant }> = {
  trailing_bytes: { hex: '0200000005000000ffffffff', value: 5 },
  packed_bytes_padding_cut_off: { hex: '1d00000001000000ff', value: Buffer.from([255]) },
  packed_string_negative_count: { hex: '22000000ffffffff', value: new PackedStringArray() },
  node_path_counts_wrapping: { hex: '1600000001000080ffffffff00000000', value: NodePath.fromParts([], [], false) },
  string_cut_at_nul: { hex: '040000000300000061006200', value: 'a' },
};

/**
 * Where this library is stricter: Godot drops an element of the wrong type from a typed container
 * (printing an error) and returns the rest; bytesToVar throws ERR_INVALID_DATA.
 */
const stricter: Record<string, string> = {
  typed_array_with_a_string: '1c0001000200000001000000040000000100000061000000',
};

interface ValueReport {
  name: string;
  hex: string;
  text?: string;
  decoded_hex?: string;
  decoded_text?: string;
  own_decoded_text?: string;
}

let reports: Map<string, ValueReport>;
let likeReports: Map<string, { same_type: boolean; equal: boolean; text: string }>;
let malformedReports: Map<string, { refused: boolean }>;
let directory: string;

describeGodot('Variant codec against Godot', () => {
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'godot-enet-variant-'));
    const input = join(directory, 'input.json');
    writeFileSync(input, JSON.stringify({
      values: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, varToBytes(value).toString('hex')])),
      like: likeCases.map(({ name, like, bytes }) => ({ name, like, hex: bytes.toString('hex') })),
      malformed: Object.fromEntries([
        ...Object.entries(malformed).map(([name, { hex: bytes }]) => [name, bytes]),
        ...Object.entries(accepted).map(([name, { hex: bytes }]) => [name, bytes]),
        ...Object.entries(stricter),
      ]),
    }));
    const godot = runGodot('variant_codec.gd', { input, seconds: 60 });
    await godot.report('done', 60_000);
    const byName = <T>(event: string) => new Map(godot.reports<T & { name: string }>(event).map((report) => [report.name, report]));
    reports = byName<ValueReport>('value');
    likeReports = byName('like');
    malformedReports = byName('malformed');
  }, 90_000);

  afterAll(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('has the same list of cases on both sides', () => {
    expect([...reports.keys()].sort()).toEqual([...Object.keys(values), ...Object.keys(roundTripOnly), 'array_too_deep'].sort());
  });

  it('writes every value byte for byte as Godot does', () => {
    for (const [name, value] of Object.entries(values)) {
      expect(varToBytes(value).toString('hex'), name).toBe(reports.get(name)!.hex);
    }
  });

  it('decodes Godot\'s bytes to the JS value, which encodes to the same bytes again', () => {
    for (const [name, value] of Object.entries(values)) {
      const bytes = Buffer.from(reports.get(name)!.hex, 'hex');
      const decoded = bytesToVar(bytes);
      expect(decoded, name).toStrictEqual(value);
      expect(varToBytes(decoded).equals(bytes), name).toBe(true);
    }
  });

  it('has Godot decode our bytes to its own value', () => {
    for (const name of Object.keys(values)) {
      const report = reports.get(name)!;
      expect(report.decoded_hex, name).toBe(report.hex);
      expect(report.decoded_text, name).toBe(report.own_decoded_text);
    }
  });

  it('round-trips objects, object IDs and signals byte for byte', () => {
    for (const [name, { objects, type }] of Object.entries(roundTripOnly)) {
      const bytes = Buffer.from(reports.get(name)!.hex, 'hex');
      const decoded = bytesToVar(bytes, { allowObjects: objects });
      expect(decoded, name).toBeInstanceOf(type);
      expect(varToBytes(decoded, { fullObjects: objects }).equals(bytes), name).toBe(true);
    }
    expect(bytesToVar(Buffer.from(reports.get('object_full')!.hex, 'hex'), { allowObjects: true })).toMatchObject({ className: 'Resource' });
  });

  it('refuses nesting deeper than 1024 levels when encoding, as Godot does', () => {
    expect(reports.get('array_too_deep')!.hex).toBe('');
    expectENetError(() => varToBytes(nested(1026)), 'ERR_OUT_OF_MEMORY');
  });

  it('has Godot decode what JS writes differently (plain objects, 64-bit math types) to the same values', () => {
    for (const { name } of likeCases) {
      expect(likeReports.get(name), name).toMatchObject({ same_type: true, equal: true });
    }
  });

  it('refuses the malformed inputs that Godot refuses, with Godot\'s error codes', () => {
    for (const [name, { hex: bytes, code }] of Object.entries(malformed)) {
      expect(malformedReports.get(name), name).toEqual({ name, refused: true });
      expectENetError(() => bytesToVar(Buffer.from(bytes, 'hex')), code as never);
    }
  });

  it('accepts the odd inputs that Godot accepts', () => {
    for (const [name, { hex: bytes, value }] of Object.entries(accepted)) {
      expect(malformedReports.get(name), name).toEqual({ name, refused: false });
      expect(bytesToVar(Buffer.from(bytes, 'hex')), name).toStrictEqual(value);
    }
  });

  it('is stricter than Godot with typed containers holding another type (documented)', () => {
    for (const [name, bytes] of Object.entries(stricter)) {
      expect(malformedReports.get(name), name).toEqual({ name, refused: false });
      expectENetError(() => bytesToVar(Buffer.from(bytes, 'hex')), 'ERR_INVALID_DATA');
    }
  });
});
