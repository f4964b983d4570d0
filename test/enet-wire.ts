// ENet 1.3.18's wire format (all big-endian), for tests that speak ENet by hand: spec §3.3 and
// ENet's protocol.h.
import { expect } from 'vitest';

export const PEER_ID_NONE = 0x0fff;          // ENET_PROTOCOL_MAXIMUM_PEER_ID: "no peer yet"
export const FLAG_SENT_TIME = 0x8000;        // ENET_PROTOCOL_HEADER_FLAG_SENT_TIME
export const FLAG_COMPRESSED = 0x4000;
export const SESSION_SHIFT = 12;
export const COMMAND_ACK_FLAG = 0x80;        // ENET_PROTOCOL_COMMAND_FLAG_ACKNOWLEDGE
export const enum Command { ACKNOWLEDGE = 1, CONNECT = 2, VERIFY_CONNECT = 3, DISCONNECT = 4, PING = 5, SEND_RELIABLE = 6 }
export const MTU = 1392;                     // ENET_HOST_DEFAULT_MTU
export const WINDOW = 65536;                 // ENET_PROTOCOL_MAXIMUM_WINDOW_SIZE (no bandwidth limit)
export const THROTTLE = { interval: 5000, acceleration: 2, deceleration: 2 };

export interface Connect {
  outgoingPeerID: number;
  incomingSessionID: number;
  outgoingSessionID: number;
  mtu: number;
  windowSize: number;
  channelCount: number;
  incomingBandwidth: number;
  outgoingBandwidth: number;
  throttleInterval: number;
  throttleAcceleration: number;
  throttleDeceleration: number;
  connectID: number;
  /** CONNECT only: bytes 44–47 of the command. */
  data?: number;
}

export interface ParsedCommand extends Partial<Connect> {
  command: number;
  channelID: number;
  reliableSequenceNumber: number;
  /** ACKNOWLEDGE */
  receivedReliableSequenceNumber?: number;
  receivedSentTime?: number;
  /** SEND_RELIABLE */
  payload?: Buffer;
}

export interface Datagram {
  peerID: number;
  sessionID: number;
  sentTime: number | undefined;
  commands: ParsedCommand[];
}

export function header(peerID: number, sessionID: number, sentTime?: number): Buffer {
  const bytes = Buffer.alloc(sentTime === undefined ? 2 : 4);
  bytes.writeUInt16BE(peerID | (sessionID << SESSION_SHIFT) | (sentTime === undefined ? 0 : FLAG_SENT_TIME), 0);
  if (sentTime !== undefined) bytes.writeUInt16BE(sentTime, 2);
  return bytes;
}

/** CONNECT (48 bytes) or VERIFY_CONNECT (44 bytes), ACK flag set, channel 0xFF, sequence 1. */
export function connectCommand(command: Command.CONNECT | Command.VERIFY_CONNECT, fields: Connect): Buffer {
  const bytes = Buffer.alloc(command === Command.CONNECT ? 48 : 44);
  bytes.writeUInt8(command | COMMAND_ACK_FLAG, 0);
  bytes.writeUInt8(0xff, 1);
  bytes.writeUInt16BE(1, 2);
  bytes.writeUInt16BE(fields.outgoingPeerID, 4);
  bytes.writeUInt8(fields.incomingSessionID, 6);
  bytes.writeUInt8(fields.outgoingSessionID, 7);
  [fields.mtu, fields.windowSize, fields.channelCount, fields.incomingBandwidth, fields.outgoingBandwidth,
    fields.throttleInterval, fields.throttleAcceleration, fields.throttleDeceleration, fields.connectID]
    .forEach((value, i) => bytes.writeUInt32BE(value, 8 + 4 * i));
  if (command === Command.CONNECT) bytes.writeUInt32BE(fields.data!, 44);
  return bytes;
}

export function acknowledge(channelID: number, sequence: number, sentTime: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt8(Command.ACKNOWLEDGE, 0);
  bytes.writeUInt8(channelID, 1);
  bytes.writeUInt16BE(sequence, 2);
  bytes.writeUInt16BE(sequence, 4);
  bytes.writeUInt16BE(sentTime, 6);
  return bytes;
}

export function sendReliable(channelID: number, sequence: number, payload: Buffer): Buffer {
  const bytes = Buffer.alloc(6 + payload.length);
  bytes.writeUInt8(Command.SEND_RELIABLE | COMMAND_ACK_FLAG, 0);
  bytes.writeUInt8(channelID, 1);
  bytes.writeUInt16BE(sequence, 2);
  bytes.writeUInt16BE(payload.length, 4);
  payload.copy(bytes, 6);
  return bytes;
}

/** An ENet datagram: its header, then each command in turn (protocol.c's command sizes). */
export function parseDatagram(bytes: Buffer): Datagram {
  const word = bytes.readUInt16BE(0);
  expect(word & FLAG_COMPRESSED, 'no compression was set up').toBe(0);
  const hasTime = (word & FLAG_SENT_TIME) !== 0;
  const datagram: Datagram = {
    peerID: word & 0x0fff,
    sessionID: (word >> SESSION_SHIFT) & 3,
    sentTime: hasTime ? bytes.readUInt16BE(2) : undefined,
    commands: [],
  };
  let at = hasTime ? 4 : 2;
  while (at < bytes.length) {
    const type = bytes[at] & 0x0f;
    const command: ParsedCommand = { command: bytes[at], channelID: bytes[at + 1], reliableSequenceNumber: bytes.readUInt16BE(at + 2) };
    let size: number;
    switch (type) {
      case Command.ACKNOWLEDGE:
        size = 8;
        command.receivedReliableSequenceNumber = bytes.readUInt16BE(at + 4);
        command.receivedSentTime = bytes.readUInt16BE(at + 6);
        break;
      case Command.CONNECT:
      case Command.VERIFY_CONNECT: {
        size = type === Command.CONNECT ? 48 : 44;
        const u32 = (offset: number) => bytes.readUInt32BE(at + offset);
        Object.assign(command, {
          outgoingPeerID: bytes.readUInt16BE(at + 4), incomingSessionID: bytes[at + 6], outgoingSessionID: bytes[at + 7],
          mtu: u32(8), windowSize: u32(12), channelCount: u32(16), incomingBandwidth: u32(20), outgoingBandwidth: u32(24),
          throttleInterval: u32(28), throttleAcceleration: u32(32), throttleDeceleration: u32(36), connectID: u32(40),
        });
        if (type === Command.CONNECT) command.data = u32(44);
        break;
      }
      case Command.DISCONNECT:
        size = 8;
        break;
      case Command.PING:
        size = 4;
        break;
      case Command.SEND_RELIABLE:
        size = 6 + bytes.readUInt16BE(at + 4);
        command.payload = bytes.subarray(at + 6, at + size);
        break;
      default:
        throw new Error(`unexpected ENet command ${type} at byte ${at} of ${bytes.toString('hex')}`);
    }
    if (at + size > bytes.length) throw new Error(`truncated command ${type} in ${bytes.toString('hex')}`);
    datagram.commands.push(command);
    at += size;
  }
  return datagram;
}
