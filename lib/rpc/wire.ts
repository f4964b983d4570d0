// SceneMultiplayer's RPC frames as Godot 4 lays them out (modules/multiplayer: the RPC and the
// path-cache interfaces): parsing never throws, it answers with what was wrong.

export const COMMAND_REMOTE_CALL = 0;
export const COMMAND_SIMPLIFY_PATH = 1;
export const COMMAND_CONFIRM_PATH = 2;

/** REMOTE_CALL's first byte: bits 4-5 the node ID's width, bit 6 the method ID's, bit 7 byte-only. */
const NODE_WIDTH_SHIFT = 4;
const METHOD_WIDTH_SHIFT = 6;
const BYTE_ONLY_FLAG = 0x80;
const NODE_WIDTHS = [1, 2, 4];
/** Set in a 32-bit node target: the rest is the offset of the node's path, appended to the frame. */
const FULL_PATH_FLAG = 0x80000000;

/** SIMPLIFY_PATH: command, checksum (32 hex digits + NUL), cache ID (uint32 LE), path + NUL. */
const CHECKSUM_LENGTH = 32;
const SIMPLIFY_PATH_HEAD = 1 + CHECKSUM_LENGTH + 1 + 4;
/** CONFIRM_PATH: command, checksum matched (0/1), cache ID (uint32 LE). */
const CONFIRM_PATH_SIZE = 6;

/** A REMOTE_CALL frame's header, read. */
export interface RemoteCall {
  /** The sender's cache ID for the node, or null when the frame names it by path. */
  cacheId: number | null;
  /** The node's path (relative to the multiplayer root) when not by cache ID. */
  path: string | null;
  methodId: number;
  /** Byte-only form: no argument count; the rest is one PackedByteArray, or nothing (no arguments). */
  byteOnly: boolean;
  /** Where the arguments start and end (the appended path excluded). */
  argsStart: number;
  argsEnd: number;
}

/** Reads a REMOTE_CALL frame's header, or says why it is invalid. */
export function parseRemoteCall(frame: Uint8Array): RemoteCall | string {
  const nodeWidth = NODE_WIDTHS[(frame[0] >> NODE_WIDTH_SHIFT) & 0x03];
  if (nodeWidth === undefined) return 'invalid node ID compression';
  const methodWidth = (frame[0] >> METHOD_WIDTH_SHIFT) & 0x01 ? 2 : 1;
  const argsStart = 1 + nodeWidth + methodWidth;
  if (frame.length < argsStart) return 'frame too short';
  const view = Buffer.from(frame.buffer, frame.byteOffset, frame.length);
  const target = nodeWidth === 1 ? view[1] : nodeWidth === 2 ? view.readUInt16LE(1) : view.readUInt32LE(1);
  const methodId = methodWidth === 1 ? view[1 + nodeWidth] : view.readUInt16LE(1 + nodeWidth);
  const byteOnly = (frame[0] & BYTE_ONLY_FLAG) !== 0;
  if (nodeWidth === 4 && target & FULL_PATH_FLAG) {
    const pathStart = target & ~FULL_PATH_FLAG;
    if (pathStart >= frame.length) return 'path offset past the end of the frame';
    if (pathStart < argsStart) return 'frame too short';
    return { cacheId: null, path: cString(view, pathStart), methodId, byteOnly, argsStart, argsEnd: pathStart };
  }
  return { cacheId: target, path: null, methodId, byteOnly, argsStart, argsEnd: frame.length };
}

/**
 * How a REMOTE_CALL names its node: by the sender's cache ID, in the narrowest width that holds
 * it unless `wide` (32 bits, as Godot sends while some target has not confirmed the path), or
 * by path, for a target that has not confirmed it yet.
 */
export type CallTarget = { cacheId: number; wide?: boolean } | { path: string };

/** A REMOTE_CALL frame; `args` is the encoded argument list (see callArguments.ts). */
export function remoteCallFrame(target: CallTarget, methodId: number, args: EncodedArguments): Buffer {
  const byPath = 'path' in target;
  const nodeWidthCode = byPath || target.wide || target.cacheId > 0xffff ? 2 : target.cacheId > 0xff ? 1 : 0;
  const nodeWidth = NODE_WIDTHS[nodeWidthCode];
  const methodWidth = methodId > 0xff ? 2 : 1;
  const head = Buffer.alloc(1 + nodeWidth + methodWidth + (args.byteOnly ? 0 : 1));
  head[0] = COMMAND_REMOTE_CALL | (nodeWidthCode << NODE_WIDTH_SHIFT) | ((methodWidth - 1) << METHOD_WIDTH_SHIFT)
    | (args.byteOnly ? BYTE_ONLY_FLAG : 0);
  head.writeUIntLE(byPath ? (FULL_PATH_FLAG | (head.length + args.bytes.length)) >>> 0 : target.cacheId, 1, nodeWidth);
  head.writeUIntLE(methodId, 1 + nodeWidth, methodWidth);
  if (!args.byteOnly) head[head.length - 1] = args.count;
  return Buffer.concat(byPath ? [head, args.bytes, cStringBytes(target.path)] : [head, args.bytes]);
}

/** An argument list encoded as `encode_and_compress_variants` does. */
export interface EncodedArguments {
  /** No count byte: no arguments, or one PackedByteArray's bytes as they are. */
  byteOnly: boolean;
  count: number;
  bytes: Buffer;
}

/** A SIMPLIFY_PATH frame, read. */
export interface SimplifyPath {
  checksum: string;
  cacheId: number;
  path: string;
}

/** Reads a SIMPLIFY_PATH frame, or says why it is invalid. */
export function parseSimplifyPath(frame: Uint8Array): SimplifyPath | string {
  if (frame.length < SIMPLIFY_PATH_HEAD) return 'frame too short';
  const view = Buffer.from(frame.buffer, frame.byteOffset, frame.length);
  return {
    checksum: view.toString('utf8', 1, 1 + CHECKSUM_LENGTH),
    cacheId: view.readUInt32LE(SIMPLIFY_PATH_HEAD - 4),
    path: cString(view, SIMPLIFY_PATH_HEAD),
  };
}

/** SIMPLIFY_PATH: "`path` is my node `cacheId`; its RPC methods hash to `checksum`". */
export function simplifyPathFrame(checksum: string, cacheId: number, path: string): Buffer {
  const head = Buffer.alloc(SIMPLIFY_PATH_HEAD);
  head[0] = COMMAND_SIMPLIFY_PATH;
  head.write(checksum, 1, CHECKSUM_LENGTH, 'latin1');
  head.writeUInt32LE(cacheId, SIMPLIFY_PATH_HEAD - 4);
  return Buffer.concat([head, cStringBytes(path)]);
}

/** A CONFIRM_PATH frame, read. */
export interface ConfirmPath {
  checksumValid: boolean;
  cacheId: number;
}

/** Reads a CONFIRM_PATH frame, or says why it is invalid. */
export function parseConfirmPath(frame: Uint8Array): ConfirmPath | string {
  if (frame.length !== CONFIRM_PATH_SIZE) return 'frame of the wrong size';
  const view = Buffer.from(frame.buffer, frame.byteOffset, frame.length);
  return { checksumValid: view[1] !== 0, cacheId: view.readUInt32LE(2) };
}

/** CONFIRM_PATH: the answer to a SIMPLIFY_PATH. */
export function confirmPathFrame(checksumValid: boolean, cacheId: number): Buffer {
  const frame = Buffer.alloc(CONFIRM_PATH_SIZE);
  frame[0] = COMMAND_CONFIRM_PATH;
  frame[1] = checksumValid ? 1 : 0;
  frame.writeUInt32LE(cacheId, 2);
  return frame;
}

/** UTF-8 up to the first NUL or the end, as Godot reads a path. */
function cString(view: Buffer, start: number): string {
  const end = view.indexOf(0, start);
  return view.toString('utf8', start, end < 0 ? view.length : end);
}

function cStringBytes(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.alloc(1)]);
}
