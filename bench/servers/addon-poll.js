'use strict';
// This addon polled the way a Godot game loop does it: service(0) until no event is left, then
// a flush, once per tick. A tick follows at once while traffic flows and after 1 ms when idle,
// so the host never blocks Node's event loop (service(timeout > 0) would).
const { ENetConnection, EventType } = require('../../dist/index.js');
const { range, serve } = require('./common');

const KEEP_FLAGS = 1 | 2 | 8;

const host = new ENetConnection();
host.createHostBound('127.0.0.1', 0, 4095, 1);
if (range) host.compress(ENetConnection.CompressionMode.COMPRESS_RANGE_CODER);

let timer;
function tick() {
  let busy = false;
  for (let event = host.service(0); event.type !== EventType.EVENT_NONE; event = host.service(0)) {
    if (event.type !== EventType.EVENT_RECEIVE) continue;
    busy = true;
    const peer = event.peer;
    const flags = peer.getPacketFlags() & KEEP_FLAGS;
    peer.send(event.channel, peer.getPacket(), flags);
  }
  host.flush();
  timer = busy ? setImmediate(tick) : setTimeout(tick, 1);
}
tick();
serve(host.getLocalPort(), () => {
  clearTimeout(timer);
  clearImmediate(timer);
  host.destroy();
});
