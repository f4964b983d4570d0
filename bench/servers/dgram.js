'use strict';
// The floor cost of any Node UDP code: node:dgram echoing every datagram, no protocol at all.
const dgram = require('node:dgram');
const { serve } = require('./common');

const socket = dgram.createSocket('udp4');
socket.on('message', (message, from) => socket.send(message, from.port, from.address));
socket.bind(0, '127.0.0.1', () => serve(socket.address().port, () => socket.close()));
