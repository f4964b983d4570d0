// The signaling protocol between SignalingServer and SignalingClient: JSON text messages over
// one WebSocket per peer. The URL path names the room (the mesh); '/' is a room too.

/** Server → peer, first message: your ID and the peers already in the room. */
export interface WelcomeMessage {
  type: 'welcome';
  id: number;
  peers: number[];
}

/** Server → peer: a peer joined the room; open a host for it and send its endpoint. */
export interface PeerJoinedMessage {
  type: 'peer-joined';
  id: number;
}

/** Server → peer: a peer left the room. */
export interface PeerLeftMessage {
  type: 'peer-left';
  id: number;
}

/**
 * Peer → server: "I opened `port` for peer `to`" (`address` defaults to the address the server
 * sees the WebSocket come from). Server → peer: the same with `from` in place of `to`, and the
 * address filled in.
 */
export interface EndpointMessage {
  type: 'endpoint';
  to?: number;
  from?: number;
  address?: string;
  port: number;
}

/** Server → peer: a message was refused. */
export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type SignalingMessage = WelcomeMessage | PeerJoinedMessage | PeerLeftMessage | EndpointMessage | ErrorMessage;
