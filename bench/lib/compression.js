'use strict';
// Bytes on the wire per compression mode: a server streams the same deterministic game state
// to one client over loopback, once per mode, as fast as the hosts go (no real-time waits).
const { ENetConnection, CompressionMode, HostStatistic, EventType } = require('../../dist/index.js');

const MODES = ['COMPRESS_NONE', 'COMPRESS_RANGE_CODER', 'COMPRESS_FASTLZ', 'COMPRESS_ZLIB', 'COMPRESS_ZSTD'];
const ENTITIES = 60;
const ENTITIES_PER_PACKET = 20;
const TICK_HZ = 20;
const TICKS = 200;  // 10 s of game time
const ANIMATIONS = ['idle', 'walk', 'run', 'jump', 'attack_light', 'attack_heavy'];

/**
 * The world at `tick`: per entity an id, position, rotation (quaternion about Y) and velocity as
 * float32, quantized health and ammo, a state byte, and the animation name; entities move
 * smoothly, so consecutive snapshots differ in their low-order bytes as real ones do.
 */
function snapshotPackets(tick) {
  const packets = [];
  const t = tick / TICK_HZ;
  for (let first = 0; first < ENTITIES; first += ENTITIES_PER_PACKET) {
    const chunks = [];
    for (let id = first; id < first + ENTITIES_PER_PACKET; id++) {
      const animation = ANIMATIONS[(id + (tick >> 4)) % ANIMATIONS.length];
      const entity = Buffer.alloc(2 + 12 + 16 + 12 + 3 + 1 + animation.length);
      const speed = 1 + (id % 5);
      const heading = id * 0.7 + t * 0.1;
      let at = entity.writeUInt16LE(id, 0);
      for (const value of [Math.cos(heading) * speed * t + id * 3, 0.5 * (id % 3), Math.sin(heading) * speed * t - id * 2,
        0, Math.sin(heading / 2), 0, Math.cos(heading / 2),
        -Math.sin(heading) * speed * 0.1, 0, Math.cos(heading) * speed]) {
        at = entity.writeFloatLE(value, at);
      }
      at = entity.writeUInt8(100 - ((id * 7 + tick) % 100), at);  // health
      at = entity.writeUInt8(30 - ((id + (tick >> 2)) % 30), at);  // ammo
      at = entity.writeUInt8((id + (tick >> 3)) % 4, at);          // state
      at = entity.writeUInt8(animation.length, at);
      entity.write(animation, at, 'latin1');
      chunks.push(entity);
    }
    packets.push(Buffer.concat([Buffer.from([tick & 255, tick >> 8]), ...chunks]));
  }
  return packets;
}

function drain(connection, onEvent) {
  for (let event = connection.service(0); event.type !== EventType.EVENT_NONE; event = connection.service(0)) onEvent(event);
}

function measureMode(mode, ticks) {
  const server = new ENetConnection();
  const client = new ENetConnection();
  try {
    server.createHostBound('127.0.0.1', 0);
    client.createHost(1);
    server.compress(CompressionMode[mode]);
    client.compress(CompressionMode[mode]);
    client.connectToHost('127.0.0.1', server.getLocalPort());
    let peer = null;
    let received = 0;
    const deadline = Date.now() + 5000;
    while (peer === null) {
      if (Date.now() > deadline) throw new Error(`${mode}: no connection`);
      drain(server, (event) => { if (event.type === EventType.EVENT_CONNECT) peer = event.peer; });
      drain(client, () => {});
    }
    for (const statistic of [HostStatistic.HOST_TOTAL_SENT_DATA, HostStatistic.HOST_TOTAL_SENT_PACKETS]) server.popStatistic(statistic);
    let bytes = 0;
    let sent = 0;
    let cpuMicros = 0;
    for (let tick = 0; tick < ticks; tick++) {
      const packets = snapshotPackets(tick);
      const before = process.cpuUsage();
      for (const packet of packets) peer.send(1, packet, 0);  // unreliable, ENet channel 1 as Godot's
      server.flush();
      const used = process.cpuUsage(before);
      cpuMicros += used.user + used.system;
      bytes += packets.reduce((sum, packet) => sum + packet.length, 0);
      sent += packets.length;
      drain(client, (event) => { if (event.type === EventType.EVENT_RECEIVE) received++; event.peer?.getPacket(); });
      drain(server, () => {});
    }
    const settle = Date.now() + 200;
    while (received < sent && Date.now() < settle) drain(client, (event) => { if (event.type === EventType.EVENT_RECEIVE) received++; });
    return {
      payloadBytes: bytes,
      wireBytes: server.popStatistic(HostStatistic.HOST_TOTAL_SENT_DATA),
      datagrams: server.popStatistic(HostStatistic.HOST_TOTAL_SENT_PACKETS),
      delivered: received / sent,
      sendCpuUsPerTick: cpuMicros / ticks,
    };
  } finally {
    server.destroy();
    client.destroy();
  }
}

/** One run: every mode in turn, after a short warm-up so that NONE is not measured cold. */
function measureCompression() {
  measureMode('COMPRESS_NONE', 20);
  return Object.fromEntries(MODES.map((mode) => [mode, measureMode(mode, TICKS)]));
}

const DESCRIPTION = `${ENTITIES} entities (id, position, rotation, velocity as float32, quantized stats, animation name), ` +
  `${ENTITIES / ENTITIES_PER_PACKET} unreliable packets per tick, ${TICKS} ticks (${TICKS / TICK_HZ} s at ${TICK_HZ} Hz)`;

module.exports = { measureCompression, MODES, DESCRIPTION };
