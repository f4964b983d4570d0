// Type-checked (not run) as an ES module with moduleResolution nodenext: the `import` condition's types.
import { ENetConnection, ENetPacketPeer, type ENetEvent } from 'godot-enet';

const host: ENetConnection = new ENetConnection();
const event: ENetEvent = host.service(0);
const peer: ENetPacketPeer | null = event.peer;
export const port: number = host.getLocalPort() + (peer === null ? 0 : 1);
