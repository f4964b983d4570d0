// RPC parameters typed in GDScript's names, and the check a typed GDScript function makes before
// it runs: argument count, then each argument's type, converting where GDScript converts.
import {
  Float, NodePath, Rect2, Rect2i, StringName, VariantType, variantTypeOf, Vector2, Vector2i, Vector3, Vector3i, Vector4, Vector4i,
} from '../variant';
import type { RpcMethodConfig } from './RpcNode';

/** A parameter's type: a Variant type, or null for an untyped (`Variant`) one. */
export interface ArgumentType {
  readonly name: string;
  readonly type: VariantType | null;
}

/** Godot's type names (`type_string()`), in VariantType's order. */
const TYPE_NAMES = ['Nil', 'bool', 'int', 'float', 'String', 'Vector2', 'Vector2i', 'Rect2', 'Rect2i', 'Vector3',
  'Vector3i', 'Transform2D', 'Vector4', 'Vector4i', 'Plane', 'Quaternion', 'AABB', 'Basis', 'Transform3D', 'Projection',
  'Color', 'StringName', 'NodePath', 'RID', 'Object', 'Callable', 'Signal', 'Dictionary', 'Array', 'PackedByteArray',
  'PackedInt32Array', 'PackedInt64Array', 'PackedFloat32Array', 'PackedFloat64Array', 'PackedStringArray',
  'PackedVector2Array', 'PackedVector3Array', 'PackedColorArray', 'PackedVector4Array'];

/** The parameter type called `name` in GDScript (`'Variant'`: untyped), or undefined. */
export function argumentType(name: unknown): ArgumentType | undefined {
  if (name === 'Variant') return { name, type: null };
  const type = typeof name === 'string' && name !== 'Nil' ? TYPE_NAMES.indexOf(name) : -1;
  return type < 0 ? undefined : { name: name as string, type };
}

const INT64_LIMIT = 2 ** 63;
const int = (value: unknown): number | bigint | undefined => {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const number = value instanceof Float ? value.value : value;
  // A float to an int truncates, as C++'s cast; outside int64 it has no value.
  return typeof number === 'number' && Number.isFinite(number) && Math.abs(number) < INT64_LIMIT ? Math.trunc(number) : undefined;
};
const truncate = (value: number): number => Math.trunc(value) | 0;

/**
 * GDScript's implicit conversions of a typed parameter (Godot's `can_convert_strict`, then the
 * type's constructor), for the types where they are exact in JS; other pairs are refused.
 */
const CONVERSIONS: Partial<Record<VariantType, Partial<Record<VariantType, (value: any) => unknown>>>> = {
  [VariantType.BOOL]: {
    [VariantType.INT]: (value: number | bigint) => value != 0,
    [VariantType.FLOAT]: (value: number | Float) => Number(value) !== 0,
  },
  [VariantType.INT]: { [VariantType.BOOL]: int, [VariantType.FLOAT]: int },
  [VariantType.FLOAT]: {
    [VariantType.BOOL]: (value: boolean) => new Float(value ? 1 : 0),
    [VariantType.INT]: (value: number | bigint) => new Float(Number(value)),
  },
  [VariantType.STRING]: { [VariantType.STRING_NAME]: String, [VariantType.NODE_PATH]: (path: NodePath) => path.toString() },
  [VariantType.STRING_NAME]: { [VariantType.STRING]: (text: string) => new StringName(text) },
  [VariantType.NODE_PATH]: { [VariantType.STRING]: (text: string) => new NodePath(text) },
  [VariantType.VECTOR2]: { [VariantType.VECTOR2I]: (v: Vector2i) => new Vector2(v.x, v.y) },
  [VariantType.VECTOR2I]: { [VariantType.VECTOR2]: (v: Vector2) => new Vector2i(truncate(v.x), truncate(v.y)) },
  [VariantType.VECTOR3]: { [VariantType.VECTOR3I]: (v: Vector3i) => new Vector3(v.x, v.y, v.z) },
  [VariantType.VECTOR3I]: { [VariantType.VECTOR3]: (v: Vector3) => new Vector3i(truncate(v.x), truncate(v.y), truncate(v.z)) },
  [VariantType.VECTOR4]: { [VariantType.VECTOR4I]: (v: Vector4i) => new Vector4(v.x, v.y, v.z, v.w) },
  [VariantType.VECTOR4I]: {
    [VariantType.VECTOR4]: (v: Vector4) => new Vector4i(truncate(v.x), truncate(v.y), truncate(v.z), truncate(v.w)),
  },
  [VariantType.RECT2]: {
    [VariantType.RECT2I]: (r: Rect2i) => new Rect2(new Vector2(r.position.x, r.position.y), new Vector2(r.size.x, r.size.y)),
  },
  [VariantType.RECT2I]: {
    [VariantType.RECT2]: (r: Rect2) => new Rect2i(new Vector2i(truncate(r.position.x), truncate(r.position.y)),
      new Vector2i(truncate(r.size.x), truncate(r.size.y))),
  },
};

/**
 * Checks `args` against the method's parameters as a typed GDScript function does, converting
 * in place where GDScript converts; returns Godot's complaint, or null when the call may run.
 */
export function checkArguments(method: RpcMethodConfig, args: unknown[]): string | null {
  if (args.length > method.args.length || args.length < method.required) {
    const expected = args.length > method.args.length ? method.args.length : method.required;
    return `Invalid call to function '${method.name}'. Expected ${expected} argument(s).`;
  }
  for (let i = 0; i < args.length; i++) {
    const wanted = method.args[i].type;
    const actual = variantTypeOf(args[i]) ?? VariantType.NIL;
    if (wanted === null || wanted === actual) continue;
    const converted = actual === VariantType.NIL && wanted === VariantType.OBJECT ? null : convert(args[i], actual, wanted);
    if (converted === undefined) {
      return `Invalid type in function '${method.name}'. Cannot convert argument ${i + 1} from `
        + `${TYPE_NAMES[actual]} to ${TYPE_NAMES[wanted]}.`;
    }
    args[i] = converted;
  }
  return null;
}

function convert(value: unknown, from: VariantType, to: VariantType): unknown {
  try {
    return CONVERSIONS[to]?.[from]?.(value);
  } catch {
    return undefined; // a String that is no NodePath
  }
}
