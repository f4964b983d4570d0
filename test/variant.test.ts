// The Variant codec on its own (lib/variant/): the JS mapping, embedding in packets, malformed
// and hostile input, a seeded round-trip property and a seeded fuzz loop over the decoder.
// test/godot/variant.test.ts checks the bytes against the real Godot.
import { describe, expect, it } from 'vitest';
import {
  AABB, Basis, ByteWriter, bytesToVar, Callable, Color, decodeVariant, EncodedObject, EncodedObjectAsID, encodedSize,
  encodeVariant, ENetError, Float, NodePath, PackedColorArray, PackedStringArray, PackedVector2Array, PackedVector3Array,
  PackedVector4Array, Plane, Projection, Quaternion, Rect2, Rect2i, RID, Signal, StringName, Transform2D, Transform3D,
  TypedArray, TypedDictionary, Variant, VariantType, variantTypeOf, varToBytes, Vector2, Vector2i, Vector3, Vector3i,
  Vector4, Vector4i,
} from '../lib/index';
import { Random } from './fixtures/hostile';
import { expectENetError } from './helpers';

const hex = (value: Variant, options = {}) => varToBytes(value, options).toString('hex');
const decodeHex = (text: string, options = {}) => bytesToVar(Buffer.from(text, 'hex'), options);

/** Arrays nested `levels` deep, the innermost empty. */
function nested(levels: number): Variant[] {
  let array: Variant[] = [];
  for (let level = 1; level < levels; level++) array = [array];
  return array;
}

describe('JS mapping', () => {
  it('writes an integer-valued number as an int and any other number as a float, as GDScript literals', () => {
    expect(hex(3)).toBe('0200000003000000');
    expect(hex(3.5)).toBe('0300000000006040');
    expect(hex(new Float(3))).toBe('0300000000004040');
    expect(variantTypeOf(-0)).toBe(VariantType.INT);
    expect(hex(-0)).toBe('0200000000000000');
    expect(hex(new Float(-0))).toBe('0300000000000080');
    expect(variantTypeOf(NaN)).toBe(VariantType.FLOAT);
    expect(variantTypeOf(Infinity)).toBe(VariantType.FLOAT);
  });

  it('writes ints beyond 32 bits as 64-bit, and numbers beyond int64 as floats', () => {
    expect(hex(2 ** 31)).toBe('020001000000008000000000');
    expect(hex(2 ** 53 + 2)).toBe('020001000200000000002000');
    expect(hex(-(2 ** 63))).toBe('020001000000000000000080');
    expect(variantTypeOf(2 ** 63)).toBe(VariantType.FLOAT);
    expect(hex(2n ** 63n - 1n)).toBe('02000100ffffffffffffff7f');
    expect(hex(5n)).toBe('0200000005000000');
    expectENetError(() => varToBytes(2n ** 63n), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(-(2n ** 63n) - 1n), 'ERR_INVALID_PARAMETER');
  });

  it('decodes ints as numbers while exact, as bigints beyond 2^53', () => {
    expect(decodeHex(hex(2 ** 53 - 1))).toBe(2 ** 53 - 1);
    expect(decodeHex(hex(2n ** 53n))).toBe(2n ** 53n);
    expect(decodeHex(hex(-(2n ** 53n)))).toBe(-(2n ** 53n));
    expect(decodeHex(hex(-7))).toBe(-7);
  });

  it('keeps a whole float a float: decoded as Float, which writes it back as a float', () => {
    const three = decodeHex('0300000000004040');
    expect(three).toStrictEqual(new Float(3));
    expect(Number(three) * 2).toBe(6);
    expect(`${three}`).toBe('3.0');
    expect(`${new Float(-0)}`).toBe('-0.0');
    expect(decodeHex('0300000000006040')).toBe(3.5);
    expect(decodeHex(hex(NaN))).toBeNaN();
    expect(decodeHex(hex(-Infinity))).toBe(-Infinity);
  });

  it('writes a float as 32 bits exactly when that loses nothing (never NaN), as Godot', () => {
    expect(hex(0.5)).toBe('030000000000003f');
    expect(hex(0.1)).toBe('030001009a9999999999b93f');
    expect(hex(Math.fround(0.1))).toBe('03000000cdcccc3d');
    expect(hex(Infinity)).toBe('030000000000807f');
    expect(hex(NaN)).toBe('03000100000000000000f87f');
  });

  it('maps null, undefined, strings, arrays, Maps and plain objects', () => {
    expect(hex(null)).toBe('00000000');
    expect(hex(undefined)).toBe('00000000');
    expect(hex('')).toBe('0400000000000000');
    expect(hex(new StringName(''))).toBe('1500000000000000');
    expect(hex({ a: 1 })).toBe(hex(new Map([['a', 1]])));
    expect(decodeHex(hex({ a: 1 }))).toStrictEqual(new Map([['a', 1]]));
    expect(hex([1, [2]])).toBe('1c0000000200000002000000010000001c000000010000000200000002000000');
    expect(decodeHex(hex(new Uint8Array([1, 2])))).toStrictEqual(Buffer.from([1, 2]));
  });

  it('refuses what is no Variant with ERR_INVALID_PARAMETER', () => {
    for (const value of [() => 1, Symbol('s'), new Date(0), new Uint16Array(1), new (class Thing {})()]) {
      const error = expectENetError(() => varToBytes(value as never), 'ERR_INVALID_PARAMETER');
      expect(error.message).toMatch(/is not a Variant/);
    }
    expect(variantTypeOf(new Date(0))).toBeNull();
    expectENetError(() => varToBytes(new Vector2i(1.5, 0)), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new Vector2i(2 ** 31, 0)), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new Vector2('1' as never, 0)), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new Rect2(null as never)), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new Float('3' as never)), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new RID(-1n)), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new RID(1 as never)), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new StringName(1 as never)), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new PackedVector2Array([new Vector3() as never])), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new PackedStringArray([1 as never])), 'ERR_INVALID_PARAMETER');
  });

  it('refuses a cycle as Godot refuses nesting deeper than 1024 levels (ERR_OUT_OF_MEMORY)', () => {
    const cycle: Variant[] = [];
    cycle.push(cycle);
    expectENetError(() => varToBytes(cycle), 'ERR_OUT_OF_MEMORY');
    const map = new Map<Variant, Variant>();
    map.set('self', map);
    expectENetError(() => varToBytes(map), 'ERR_OUT_OF_MEMORY');
    expect(() => varToBytes(nested(1025))).not.toThrow();
    expectENetError(() => varToBytes(nested(1026)), 'ERR_OUT_OF_MEMORY');
  });

  it('lets a typed container decide how numbers are written, and checks its elements', () => {
    const floats = new TypedArray(VariantType.FLOAT, [1, 2.5]);
    expect(hex(floats)).toBe('1c0001000300000002000000030000000000803f0300000000002040');
    expect(decodeHex(hex(floats))).toStrictEqual(floats);
    expect(decodeHex(hex(new TypedDictionary(VariantType.FLOAT, VariantType.FLOAT, [[1, 2]]))))
      .toStrictEqual(new TypedDictionary(VariantType.FLOAT, VariantType.FLOAT, [[1, 2]]));
    expectENetError(() => varToBytes(new TypedArray(VariantType.INT, [1.5])), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new TypedArray(VariantType.STRING, [1])), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new TypedDictionary(VariantType.STRING, VariantType.INT, [['a', 'b']])), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new TypedArray(99 as VariantType)), 'ERR_INVALID_PARAMETER');
    expectENetError(() => varToBytes(new TypedArray({ builtin: VariantType.INT, className: 'Node' })), 'ERR_INVALID_PARAMETER');
    const objects = new TypedArray({ builtin: VariantType.OBJECT, className: 'Node' }, [null, new EncodedObjectAsID(5n)]);
    expect(decodeHex(hex(objects))).toStrictEqual(
      new TypedArray({ builtin: VariantType.OBJECT, className: 'EncodedObjectAsID' }, [null, new EncodedObjectAsID(5n)]));
  });

  it('gives plain arrays from map/filter/slice of typed and packed arrays', () => {
    const typed = new TypedArray(VariantType.INT, [1, 2, 3]);
    expect(Array.isArray(typed)).toBe(true);
    expect(typed.map((value) => value)).toStrictEqual([1, 2, 3]);
    expect(new PackedStringArray(['a', 'b']).filter((value) => value === 'a')).toStrictEqual(['a']);
  });

  it('parses NodePaths as Godot does', () => {
    expect(new NodePath('/root//Main:a:')).toStrictEqual(NodePath.fromParts(['root', 'Main'], ['a'], true));
    expect(new NodePath('Main/Sprite:position:x').toString()).toBe('Main/Sprite:position:x');
    expect(new NodePath('/').isEmpty()).toBe(false);
    expect(new NodePath('').isEmpty()).toBe(true);
    expectENetError(() => new NodePath('a::b'), 'ERR_INVALID_PARAMETER');
  });

  it('writes whole objects only with fullObjects and reads them only with allowObjects', () => {
    const object = new EncodedObject('Resource', { resource_name: 'x', script: null });
    expectENetError(() => varToBytes(object), 'ERR_INVALID_PARAMETER');
    const bytes = varToBytes(object, { fullObjects: true });
    expectENetError(() => bytesToVar(bytes), 'ERR_UNAUTHORIZED');
    expect(bytesToVar(bytes, { allowObjects: true })).toStrictEqual(object);
    expectENetError(() => varToBytes(new EncodedObject('')), 'ERR_INVALID_PARAMETER');
    // An object's script must be a res:// path (Godot would load it).
    const scripted = varToBytes(new EncodedObject('Node', { script: 'user://evil.gd' }), { fullObjects: true });
    expectENetError(() => bytesToVar(scripted, { allowObjects: true }), 'ERR_INVALID_DATA');
    // Typed containers name a class or script only with full objects, as Godot.
    const typed = new TypedArray({ builtin: VariantType.OBJECT, script: 'res://player.gd' });
    expect(bytesToVar(varToBytes(typed, { fullObjects: true }), { allowObjects: true })).toStrictEqual(typed);
    expect(bytesToVar(varToBytes(typed))).toStrictEqual(new TypedArray({ builtin: VariantType.OBJECT, className: 'EncodedObjectAsID' }));
    // An object sent as its ID decodes without allowObjects; ID 0 is a null object.
    expect(decodeHex('180001000000000000000000')).toBeNull();
    expect(hex(new EncodedObjectAsID(7n), { fullObjects: true })).toBe('180001000700000000000000');
    // A script-typed container must name a res:// script when objects are allowed.
    expectENetError(() => decodeHex('1c0003000000000000000000', { allowObjects: true }), 'ERR_INVALID_DATA');
    expect(decodeHex('1c0003000000000000000000')).toStrictEqual(new TypedArray({ builtin: VariantType.OBJECT, className: 'EncodedObjectAsID' }));
  });

  it('writes math types as 64-bit with doublePrecision, and reads either width', () => {
    const vector = new Vector2(0.1, 0.2);
    const wide = varToBytes(vector, { doublePrecision: true });
    expect(wide.toString('hex')).toBe('050001009a9999999999b93f9a9999999999c93f');
    expect(bytesToVar(wide)).toStrictEqual(vector);
    expect(varToBytes(bytesToVar(wide), { doublePrecision: true }).equals(wide)).toBe(true);
    expect(bytesToVar(varToBytes(vector))).toStrictEqual(new Vector2(Math.fround(0.1), Math.fround(0.2)));
    // Colors and integer vectors are never 64-bit.
    expect(hex(new Color(1, 1, 1), { doublePrecision: true })).toBe(hex(new Color(1, 1, 1)));
    expect(hex(new Vector2i(1, 2), { doublePrecision: true })).toBe(hex(new Vector2i(1, 2)));
  });

  it('keeps keys Godot would merge as separate Map entries (documented)', () => {
    const bytes = varToBytes(new Map<Variant, Variant>([['x', 1], [new StringName('x'), 2]]));
    expect(bytes.readUInt32LE(4)).toBe(2);
  });
});

describe('embedding in packets', () => {
  it('appends to a ByteWriter and decodes at an offset, saying how many bytes it took', () => {
    const out = new ByteWriter(4);
    out.uint8(0xaa);
    encodeVariant('hello', out);
    encodeVariant(new Vector3(1, 2, 3), out);
    const bytes = out.toBuffer();
    const first = decodeVariant(bytes, 1);
    expect(first).toStrictEqual({ value: 'hello', length: 16 });
    expect(first.length).toBe(encodedSize('hello'));
    expect(decodeVariant(bytes, 1 + first.length)).toStrictEqual({ value: new Vector3(1, 2, 3), length: 16 });
    expect(bytes.length).toBe(33);
  });

  it('pads strings and byte arrays by their own length wherever they start, as Godot does', () => {
    for (const value of ['héllo ✓', new StringName('abc'), Buffer.from([1, 2, 3]), ['a', Buffer.from([9])]]) {
      for (const header of [0, 1, 2, 3]) {
        const out = new ByteWriter();
        for (let i = 0; i < header; i++) out.uint8(0xaa);
        encodeVariant(value as Variant, out);
        expect(out.toBuffer().subarray(header)).toEqual(varToBytes(value as Variant));
      }
    }
  });

  it('reads from a view at any byte offset of a larger buffer, unaligned', () => {
    const value = [new Vector3(1, 2, 3), new Int32Array([7, -7]), new Float64Array([0.1]), 'é'];
    const bytes = varToBytes(value);
    const memory = new ArrayBuffer(bytes.length + 7);
    const view = new Uint8Array(memory, 3, bytes.length);
    view.set(bytes);
    expect(bytesToVar(view)).toStrictEqual(value);
  });

  it('refuses to grow past the 2 GiB Godot can count, before allocating (ERR_OUT_OF_MEMORY)', () => {
    const out = new ByteWriter();
    out.uint32(1);
    // A view's byteLength is all the writer looks at before it grows.
    const huge = new Uint8Array(new ArrayBuffer(8), 0, 8);
    Object.defineProperty(huge, 'byteLength', { value: 2 ** 31 - 4 });
    expectENetError(() => out.bytes(huge), 'ERR_OUT_OF_MEMORY');
    expect(out.length).toBe(4);
    expectENetError(() => out.setUint32(1, 0), 'ERR_INVALID_PARAMETER');
  });

  it('ignores bytes after the value, as bytes_to_var does', () => {
    expect(bytesToVar(Buffer.from('0200000005000000ffffffff', 'hex'))).toBe(5);
  });

  it('accepts a PackedByteArray missing its padding at the very end, as Godot does', () => {
    expect(decodeVariant(Buffer.from('1d00000001000000ff', 'hex'))).toStrictEqual({ value: Buffer.from([255]), length: 12 });
    expectENetError(() => bytesToVar(Buffer.from('1c000000020000001d00000001000000ff', 'hex')), 'ERR_INVALID_DATA');
  });

  it('copies packed arrays out of the input', () => {
    const bytes = varToBytes(new Uint8Array([1, 2, 3]));
    const decoded = bytesToVar(bytes) as Uint8Array;
    bytes[8] = 9;
    expect(decoded).toStrictEqual(Buffer.from([1, 2, 3]));
  });

  it('refuses bad arguments with ERR_INVALID_PARAMETER', () => {
    expectENetError(() => bytesToVar('00000000' as never), 'ERR_INVALID_PARAMETER');
    expectENetError(() => decodeVariant(Buffer.alloc(4), 5), 'ERR_INVALID_PARAMETER');
    expectENetError(() => decodeVariant(Buffer.alloc(4), -1), 'ERR_INVALID_PARAMETER');
    expectENetError(() => decodeVariant(Buffer.alloc(4), 4), 'ERR_INVALID_DATA');
  });
});

describe('malformed input', () => {
  it('fails with Godot\'s codes on truncated, unknown and invalid data', () => {
    const cases: Array<[string, string]> = [
      ['', 'ERR_INVALID_DATA'],
      ['020000', 'ERR_INVALID_DATA'],
      ['03000100000000', 'ERR_INVALID_DATA'],
      ['ff000000', 'ERR_INVALID_DATA'],
      ['0400000005000000616263', 'ERR_FILE_EOF'],
      ['040000000300000061ff6300', 'ERR_INVALID_DATA'],
      ['1600000000000000', 'ERR_INVALID_DATA'],
      ['160000000000008000000000', 'ERR_INVALID_DATA'],
      ['1c0003000500000061620000', 'ERR_FILE_EOF'],
      ['1c00010002000000010000000300000000000000', 'ERR_INVALID_DATA'],
      ['1b000500040000000200000001000000020000000100000002000000', 'ERR_INVALID_DATA'],
      ['1a000000000000000000', 'ERR_INVALID_DATA'],
      ['2300010001000000000000000000000000000000', 'ERR_INVALID_DATA'],
    ];
    for (const [bytes, code] of cases) {
      const error = expectENetError(() => decodeHex(bytes), code as never);
      expect(error.message).toMatch(/^bytesToVar: .+ at byte \d+$/);
    }
  });

  it('sends a lone surrogate as U+FFFD', () => {
    expect(hex('\ud800')).toBe('0400000003000000efbfbd00');
  });

  it('strips a NUL and what follows, and a leading BOM, from strings, as Godot', () => {
    expect(decodeHex('040000000300000061006200')).toBe('a');
    expect(decodeHex('0400000004000000efbbbf61')).toBe('a');
  });

  it('reads a negative PackedStringArray count as empty and wraps NodePath counts, as Godot', () => {
    expect(decodeHex('22000000ffffffff')).toStrictEqual(new PackedStringArray());
    expect(decodeHex('1600000001000080ffffffff00000000')).toStrictEqual(NodePath.fromParts([], [], false));
  });

  it('fails fast on absurd lengths without allocating them', () => {
    const started = performance.now();
    for (const type of ['1c000000', '1b000000', '1d000000', '1e000000', '1f000000', '20000000', '21000000', '22000000', '23000000', '24000000', '25000000', '26000000', '04000000']) {
      expect(() => decodeHex(`${type}ffffff7f00000000`)).toThrow(ENetError);
    }
    expectENetError(() => decodeHex('16000000ffffffffffffffff00000000'), 'ERR_INVALID_DATA');
    expectENetError(() => decodeHex('16000000ffffffffffffffff00000000ffffff7f'), 'ERR_FILE_EOF');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('fails with ERR_OUT_OF_MEMORY past 1024 levels of nesting, as Godot', () => {
    const deep = (levels: number, open: string) => Buffer.from(open.repeat(levels - 1) + '1c00000000000000', 'hex');
    expect(bytesToVar(deep(1025, '1c00000001000000'))).toStrictEqual(nested(1025));
    expectENetError(() => bytesToVar(deep(1026, '1c00000001000000')), 'ERR_OUT_OF_MEMORY');
    expectENetError(() => bytesToVar(deep(1026, '1b0000000100000000000000')), 'ERR_OUT_OF_MEMORY');
    expectENetError(() => bytesToVar(deep(100_000, '1c00000001000000')), 'ERR_OUT_OF_MEMORY');
  });
});

// ---- seeded random values -----------------------------------------------------------------------

const codePoints = [0x41, 0x7a, 0xe9, 0x3b1, 0x65e5, 0xfffd, 0x1f3ae, 0x10ffff];

function randomString(random: Random): string {
  return Array.from({ length: random.below(12) }, () => {
    const point = random.below(4) === 0 ? random.pick(codePoints) : 0x20 + random.below(0x5f);
    return String.fromCodePoint(point);
  }).join('');
}

function randomDouble(random: Random): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, random.next());
  view.setUint32(4, random.next());
  return view.getFloat64(0);
}

/** A float as decoding gives it: a plain number, or a Float when a plain number would be an int. */
function randomFloat(random: Random): number | Float {
  const value = random.pick([
    () => randomDouble(random),
    () => Math.fround(randomDouble(random)),
    () => random.below(1000) - 500,
    () => (random.below(2000) - 1000) / 8,
    () => random.pick([NaN, Infinity, -Infinity, -0, 0, 2 ** 63, -(2 ** 63), 2 ** 53 + 2]),
  ])();
  return Number.isInteger(value) && Math.abs(value) <= 2 ** 63 && value !== 2 ** 63 ? new Float(value) : value;
}

function randomInt(random: Random): number | bigint {
  const value = random.pick([
    () => BigInt(random.below(200) - 100),
    () => BigInt.asIntN(32, BigInt(random.next())),
    () => BigInt.asIntN(64, (BigInt(random.next()) << 32n) | BigInt(random.next())),
    () => random.pick([2n ** 31n, -(2n ** 31n) - 1n, 2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)]),
  ])();
  return value >= -(2n ** 53n) + 1n && value <= 2n ** 53n - 1n ? Number(value) : value;
}

const real = (random: Random) => Math.fround(randomDouble(random));
const int32 = (random: Random) => random.next() | 0;
const uint64 = (random: Random) => (BigInt(random.next()) << 32n) | BigInt(random.next());
const vector2 = (random: Random) => new Vector2(real(random), real(random));
const vector3 = (random: Random) => new Vector3(real(random), real(random), real(random));
const vector4 = (random: Random) => new Vector4(real(random), real(random), real(random), real(random));
const color = (random: Random) => new Color(real(random), real(random), real(random), real(random));
const list = <T>(random: Random, make: () => T) => Array.from({ length: random.below(5) }, make);

/** A value in the form decoding gives, so that it survives a round trip unchanged. */
function randomVariant(random: Random, depth: number): Variant {
  const leaves: Array<() => Variant> = [
    () => null,
    () => random.below(2) === 1,
    () => randomInt(random),
    () => randomFloat(random),
    () => randomString(random),
    () => new StringName(randomString(random)),
    () => NodePath.fromParts(list(random, () => randomString(random)), list(random, () => randomString(random)), random.below(2) === 1),
    () => vector2(random),
    () => new Vector2i(int32(random), int32(random)),
    () => new Rect2(vector2(random), vector2(random)),
    () => new Rect2i(new Vector2i(int32(random), int32(random)), new Vector2i(int32(random), int32(random))),
    () => vector3(random),
    () => new Vector3i(int32(random), int32(random), int32(random)),
    () => new Transform2D(vector2(random), vector2(random), vector2(random)),
    () => vector4(random),
    () => new Vector4i(int32(random), int32(random), int32(random), int32(random)),
    () => new Plane(vector3(random), real(random)),
    () => new Quaternion(real(random), real(random), real(random), real(random)),
    () => new AABB(vector3(random), vector3(random)),
    () => new Basis(vector3(random), vector3(random), vector3(random)),
    () => new Transform3D(new Basis(vector3(random), vector3(random), vector3(random)), vector3(random)),
    () => new Projection(vector4(random), vector4(random), vector4(random), vector4(random)),
    () => color(random),
    () => new RID(uint64(random)),
    () => new Callable(),
    () => new Signal(randomString(random), uint64(random)),
    () => new EncodedObjectAsID(uint64(random) | 1n),
    () => random.bytes(random.below(9)),
    () => new Int32Array(list(random, () => int32(random))),
    () => new BigInt64Array(list(random, () => BigInt.asIntN(64, uint64(random)))),
    () => new Float32Array(random.bytes(4 * random.below(4)).buffer.slice(0)),
    () => new Float64Array(list(random, () => randomDouble(random))),
    () => new PackedStringArray(list(random, () => randomString(random))),
    () => new PackedVector2Array(list(random, () => vector2(random))),
    () => new PackedVector3Array(list(random, () => vector3(random))),
    () => new PackedColorArray(list(random, () => color(random))),
    () => new PackedVector4Array(list(random, () => vector4(random))),
  ];
  const containers: Array<() => Variant> = [
    () => list(random, () => randomVariant(random, depth + 1)),
    () => new Map(list(random, () => [randomVariant(random, depth + 1), randomVariant(random, depth + 1)] as const)),
    () => new TypedArray(VariantType.INT, list(random, () => randomInt(random))),
    () => new TypedArray(VariantType.FLOAT, list(random, () => Number(randomFloat(random)))),
    () => new TypedArray(VariantType.VECTOR2, list(random, () => vector2(random))),
    () => new TypedArray(VariantType.ARRAY, list(random, () => list(random, () => randomVariant(random, depth + 2)))),
    () => new TypedDictionary(VariantType.STRING, VariantType.NIL, list(random, () => [randomString(random), randomVariant(random, depth + 1)] as const)),
    () => new TypedDictionary(VariantType.NIL, VariantType.FLOAT, list(random, () => [randomString(random), Number(randomFloat(random))] as const)),
  ];
  return depth < 3 && random.below(4) === 0 ? random.pick(containers)() : random.pick(leaves)();
}

describe('round trip', () => {
  it('decodes every random value to itself and encodes it back to the same bytes (seeded)', () => {
    const random = new Random(0x15);
    for (let round = 0; round < 2000; round++) {
      const value = randomVariant(random, 0);
      const bytes = varToBytes(value);
      expect(bytes.length % 4, `round ${round}`).toBe(0);
      expect(encodedSize(value)).toBe(bytes.length);
      const decoded = decodeVariant(bytes);
      expect(decoded.length, `round ${round}`).toBe(bytes.length);
      expect(decoded.value, `round ${round}`).toStrictEqual(value);
      expect(varToBytes(decoded.value).equals(bytes), `round ${round}`).toBe(true);
    }
  });

  it('refuses every truncation of a value with an ENetError (seeded)', () => {
    const random = new Random(0x7c);
    let refused = 0;
    for (let round = 0; round < 150; round++) {
      const bytes = varToBytes(randomVariant(random, 0));
      for (let length = 0; length < bytes.length; length++) {
        try {
          // Godot too accepts a PackedByteArray whose padding is cut off at the very end.
          expect(decodeVariant(bytes.subarray(0, length)).length, bytes.toString('hex')).toBe(bytes.length);
        } catch (error) {
          if (!(error instanceof ENetError)) throw error;
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });
});

// ---- fuzz ---------------------------------------------------------------------------------------

/** Garbage that keeps enough structure to get past the first checks: mutated valid encodings. */
function mutate(random: Random, bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  switch (random.below(5)) {
    case 0: // flip bytes
      for (let flips = 1 + random.below(4); flips > 0 && out.length > 0; flips--) out[random.below(out.length)] ^= 1 << random.below(8);
      return out;
    case 1: // a length or count replaced
      if (out.length >= 8) out.writeUInt32LE(random.pick([0x7fffffff, 0x80000000, 0xffffffff, random.next(), random.below(64)]), 4 * random.below(out.length / 4));
      return out;
    case 2: // truncated
      return out.subarray(0, random.below(out.length + 1));
    case 3: // a random header type and flags
      if (out.length >= 4) out.writeUInt32LE(random.below(40) | (random.below(16) << 16), 4 * random.below(out.length / 4));
      return out;
    default: // random bytes
      return random.bytes(random.below(48));
  }
}

describe('fuzz', () => {
  it('never throws anything but ENetError on hostile input, and what decodes encodes again (seeded)', () => {
    const random = new Random(0xf00d);
    const corpus = Array.from({ length: 200 }, () => varToBytes(randomVariant(random, 0), { fullObjects: true }));
    corpus.push(varToBytes(new EncodedObject('Node', { name: 'n', script: 'res://a.gd' }), { fullObjects: true }));
    const codes = new Map<string, number>();
    const deadline = performance.now() + 3000;
    let inputs = 0;
    for (; inputs < 30_000 && performance.now() < deadline; inputs++) {
      const input = mutate(random, random.pick(corpus));
      const allowObjects = random.below(2) === 1;
      let decoded: Variant;
      try {
        decoded = bytesToVar(input, { allowObjects });
      } catch (error) {
        if (!(error instanceof ENetError)) throw new Error(`input ${input.toString('hex')}: ${error}`);
        codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
        continue;
      }
      varToBytes(decoded, { fullObjects: allowObjects });
    }
    expect(inputs).toBeGreaterThan(1000);
    expect([...codes.keys()].sort()).toEqual(['ERR_FILE_EOF', 'ERR_INVALID_DATA', 'ERR_UNAUTHORIZED']);
  });
});
