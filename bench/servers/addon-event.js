'use strict';
// This addon, event-driven: libuv wakes the host, every pending event is delivered in batches.
// With --dtls it is a DTLS server, and nothing else changes; --busy-poll MICROS overrides
// start()'s busy polling (0: off); --borrow starts it with borrowed packets.
const { ENetConnection } = require('../../dist/index.js');
const { maybeDtls, range, serve } = require('./common');

const KEEP_FLAGS = 1 | 2 | 8; // reliable, unsequenced, unreliable fragment

const host = new ENetConnection();
host.createHostBound('127.0.0.1', 0, 4095, 1);
if (range) host.compress(ENetConnection.CompressionMode.COMPRESS_RANGE_CODER);
maybeDtls(host);
host.on('receive', (peer, packet, channel, flags) => {
  peer.send(channel, packet, flags & KEEP_FLAGS);
});
const busyPoll = process.argv.indexOf('--busy-poll');
host.start({
  ...(busyPoll > 0 ? { busyPollMicros: Number(process.argv[busyPoll + 1]) } : {}),
  borrowPackets: process.argv.includes('--borrow'),
});
serve(host.getLocalPort(), () => host.destroy());
