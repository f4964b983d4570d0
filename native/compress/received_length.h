// What a decompressor may be handed. ENet 1.3.18 passes receivedDataLength - headerSize without
// checking the datagram is that long: a 2- or 3-byte datagram flagged COMPRESSED|SENT_TIME (peer
// 0xFFF, no connection needed) yields (size_t) -2 or -1, and the decompressor would read past
// the receive buffer. A real input fits ENet's receive buffer of ENET_PROTOCOL_MAXIMUM_MTU bytes.
#ifndef GODOT_ENET_RECEIVED_LENGTH_H
#define GODOT_ENET_RECEIVED_LENGTH_H

#include <enet/enet.h>

static inline int is_received_length(size_t length) {
  return length > 0 && length <= ENET_PROTOCOL_MAXIMUM_MTU;
}

#endif
