'use strict';
// What the benchmark runs: the servers compared and the load each scenario puts on them.
const path = require('node:path');

const nodeServer = (file, ...args) => ({ command: process.execPath, args: [path.join(__dirname, 'servers', file), ...args] });

/**
 * `native` is the baseline every ratio is taken against. `raw` servers speak plain UDP (the
 * load client sends the same stamped payloads without ENet); `range` servers need ENet's range
 * coder on both ends; `loop` servers report their event-loop delay; `dtls` servers are DTLS
 * servers, measured only in the DTLS scenarios.
 */
const SERVERS = [
  { id: 'native', label: 'native C ENet 1.3.18', native: true },
  { id: 'event', label: 'godot-enet, event-driven', loop: true, ...nodeServer('addon-event.js') },
  { id: 'event-no-spin', label: 'godot-enet, event-driven, busy polling off', loop: true, ...nodeServer('addon-event.js', '--busy-poll', '0') },
  { id: 'event-borrow', label: 'godot-enet, event-driven, borrowed packets', loop: true, ...nodeServer('addon-event.js', '--borrow') },
  { id: 'poll', label: 'godot-enet, service() polling', loop: true, ...nodeServer('addon-poll.js') },
  { id: 'dgram', label: 'node:dgram echo (no protocol)', loop: true, raw: true, ...nodeServer('dgram.js') },
  { id: 'npm-enet', label: 'npm enet 0.2.9', loop: true, range: true, ...nodeServer('npm-enet.js') },
  { id: 'event-dtls', label: 'godot-enet, event-driven, DTLS', loop: true, dtls: true, ...nodeServer('addon-event.js', '--dtls') },
];

const RELIABLE = 1;
const UNSEQUENCED = 2;

const SCENARIOS = [
  { id: 'pingpong', title: 'ping-pong, 64 B reliable', mode: 'pingpong', size: 64, flags: RELIABLE, window: 1 },
  { id: 'reliable-64', title: 'stream 64 B reliable, window 64', mode: 'stream', size: 64, flags: RELIABLE, window: 64 },
  { id: 'unreliable-64', title: 'stream 64 B unreliable, window 64', mode: 'stream', size: 64, flags: 0, window: 64 },
  { id: 'unsequenced-64', title: 'stream 64 B unsequenced, window 64', mode: 'stream', size: 64, flags: UNSEQUENCED, window: 64 },
  { id: 'reliable-1k', title: 'stream 1 KiB reliable, window 64', mode: 'stream', size: 1024, flags: RELIABLE, window: 64 },
  { id: 'fragmented-16k', title: 'stream 16 KiB reliable (fragmented), window 64', mode: 'stream', size: 16384, flags: RELIABLE, window: 64 },
  // Raw UDP has no peers to keep apart, so the dgram floor is not part of the many-peers runs.
  { id: 'peers-1000', title: '1000 peers, 64 B at 20 Hz each', mode: 'many', size: 64, flags: 0, peers: 1000, rate: 20, noRaw: true },
  { id: 'peers-4000', title: '4000 peers, 64 B at 20 Hz each', mode: 'many', size: 64, flags: 0, peers: 4000, rate: 20, noRaw: true },
  // The same peers at a tenth of the rate: on a 2-core machine the 20 Hz cell keeps every server
  // near a full core, so the CPU each one spends per wake-up shows here.
  { id: 'peers-4000-2hz', title: '4000 peers, 64 B at 2 Hz each', mode: 'many', size: 64, flags: 0, peers: 4000, rate: 2, noRaw: true },
  // Not an echo server test: two addon hosts in the bench process, once per compression mode.
  { id: 'compression', title: 'bytes on the wire per compression mode, game state at 20 Hz', mode: 'compression' },
  // DTLS against plain ENet: the addon on both ends (the C load client cannot speak DTLS), the
  // same server and client code but for dtls*Setup, and the plain cell as the ratios' baseline.
  ...[
    { id: 'dtls-pingpong', title: 'ping-pong, 64 B reliable', mode: 'pingpong', size: 64, flags: RELIABLE, window: 1 },
    { id: 'dtls-reliable-64', title: 'stream 64 B reliable, window 64', mode: 'stream', size: 64, flags: RELIABLE, window: 64 },
    { id: 'dtls-reliable-1k', title: 'stream 1 KiB reliable, window 64', mode: 'stream', size: 1024, flags: RELIABLE, window: 64 },
  ].map((scenario) => ({ ...scenario, group: 'dtls', client: 'addon', servers: ['event', 'event-dtls'], baseline: 'event' })),
];

/** Peers per load-generator process in the many-peers scenarios. */
const PEERS_PER_CLIENT = 2000;

module.exports = { SERVERS, SCENARIOS, PEERS_PER_CLIENT };
