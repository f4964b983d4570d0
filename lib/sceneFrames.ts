// SceneMultiplayer's framing (spec §3.7): one command byte, its low 3 bits the command, then the
// command's data. The RPC commands (0-2) are in rpc/wire.ts.

export const COMMAND_MASK = 0x07;
export const COMMAND_RAW = 3;
export const COMMAND_SYS = 7;
export const SYS_AUTH = 0;
export const SYS_ADD_PEER = 1;
export const SYS_DEL_PEER = 2;
export const SYS_RELAY = 3;
/** `07 <sys> <int32 LE>` */
export const SYS_COMMAND_SIZE = 6;
export const SERVER_ID = 1;
/** `07 00` alone: "I completed auth" (`complete_auth`). */
export const AUTH_COMPLETE = Buffer.from([COMMAND_SYS, SYS_AUTH]);

/** `07 <sys> <id: int32 LE>` followed by `rest`. */
export function sysFrame(sys: number, id: number, rest?: Uint8Array): Buffer {
  const head = Buffer.allocUnsafe(SYS_COMMAND_SIZE);
  head[0] = COMMAND_SYS;
  head[1] = sys;
  head.writeInt32LE(id, 2);
  return rest ? Buffer.concat([head, rest]) : head;
}

/** `03 <bytes>`: `send_bytes`. */
export function rawFrame(bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([COMMAND_RAW]), bytes]);
}
