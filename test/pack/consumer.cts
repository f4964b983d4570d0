// Type-checked (not run) as CommonJS with moduleResolution nodenext: the `require` condition's types.
import godot = require('godot-enet');

const host: godot.ENetConnection = new godot.ENetConnection();
export const status: godot.ErrorCode = godot.ErrorCode.OK;
export const port: number = host.getLocalPort();
