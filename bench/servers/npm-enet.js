'use strict';
// npm `enet` 0.2.9: ENet 1.3.5 compiled to JavaScript, polled by its own timer (its default
// 10 ms interval, as its documentation uses it). It understands ENet 1.3.18 clients only with
// the range coder on both ends, so the harness always passes --range here.
const enet = require('enet');
const { serve } = require('./common');

enet.createServer({ address: { address: '127.0.0.1', port: 0 }, peers: 4095, channels: 1, down: 0, up: 0 },
  (err, host) => {
    if (err) throw err;
    host.enableCompression();
    host.on('message', (peer, packet, channel) => {
      peer.send(channel, new enet.Packet(Buffer.from(packet.data()), packet.flags() & (1 | 2 | 8)));
    });
    host.start();
    serve(host.address().port, () => host.destroy());
  });
