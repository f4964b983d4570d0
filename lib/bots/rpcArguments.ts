import { ENetError, ErrorCode } from '../errors';
import { BotsRpc, rpcMethod } from './options';
import { Float, StringName, VariantType, Vector2, Vector2i, Vector3, Vector3i } from '../variant';

/** A value of each parameter type a bot can fill: the payload where bytes fit, else a plain one. */
const MAKERS: Partial<Record<VariantType, (payload: Buffer, sequence: number) => unknown>> = {
  [VariantType.PACKED_BYTE_ARRAY]: (payload) => payload,
  [VariantType.STRING]: (payload) => 'x'.repeat(payload.length),
  [VariantType.STRING_NAME]: (payload) => new StringName('x'.repeat(payload.length)),
  [VariantType.INT]: (_payload, sequence) => sequence,
  [VariantType.FLOAT]: (_payload, sequence) => new Float(sequence),
  [VariantType.BOOL]: () => true,
  [VariantType.VECTOR2]: () => new Vector2(),
  [VariantType.VECTOR2I]: () => new Vector2i(),
  [VariantType.VECTOR3]: () => new Vector3(),
  [VariantType.VECTOR3I]: () => new Vector3i(),
  [VariantType.DICTIONARY]: () => new Map(),
  [VariantType.ARRAY]: () => [],
};

/**
 * The arguments of the bots' RPC, made for each call: PackedByteArray and untyped (`Variant`)
 * parameters get the payload, String ones as many characters, int the call's sequence number,
 * other simple types a zero value. Throws ENetError ERR_INVALID_PARAMETER for a parameter type
 * a bot cannot fill.
 */
export function rpcArguments(rpc: BotsRpc): (payload: Buffer, sequence: number) => unknown[] {
  const method = rpcMethod(rpc);
  const makers = method.args.slice(0, method.required).map((arg) => {
    const make = arg.type === null ? MAKERS[VariantType.PACKED_BYTE_ARRAY] : MAKERS[arg.type];
    if (!make) {
      throw new ENetError(ErrorCode.ERR_INVALID_PARAMETER, `bots cannot make a ${arg.name} argument for ${rpc.method}; `
        + `they fill PackedByteArray, String, StringName, int, float, bool, Vector2(i), Vector3(i), Dictionary, Array and Variant`);
    }
    return make;
  });
  return (payload, sequence) => makers.map((make) => make(payload, sequence));
}
