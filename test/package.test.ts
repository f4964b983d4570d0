import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedVersions } from './release';

const root = resolve(__dirname, '..');

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 20_000 });
}

// A round trip through the built package, as a user's program would run it.
const roundTrip = `
  const s = new ENetConnection(); s.createHostBound('127.0.0.1', 0);
  const c = new ENetConnection(); c.createHost(1);
  const p = c.connectToHost('127.0.0.1', s.getLocalPort(), 2, 9);
  let got = null; const deadline = Date.now() + 5000;
  while (got === null && Date.now() < deadline) {
    const e = s.service(1); c.service(1);
    if (e.type === ENetConnection.EventType.EVENT_CONNECT) p.putPacket(Buffer.from('hi'));
    if (e.type === ENetConnection.EventType.EVENT_RECEIVE) got = e.peer.getPacket().toString();
  }
  s.destroy(); c.destroy();
  console.log(JSON.stringify({ got, versions }));
`;

describe('the built package', () => {
  it('loads with require() and runs a round trip', () => {
    const out = runNode(['-e', `const { ENetConnection, versions } = require('godot-enet');${roundTrip}`]);
    expect(JSON.parse(out)).toEqual({ got: 'hi', versions: expectedVersions() });
  });

  it('loads with import and shares the CommonJS module', () => {
    const out = runNode(['--input-type=module', '-e',
      `import { ENetConnection, versions } from 'godot-enet';
       import { createRequire } from 'node:module';
       if (createRequire(import.meta.url)('godot-enet').ENetConnection !== ENetConnection) throw new Error('two copies');
       ${roundTrip}`]);
    expect(JSON.parse(out).got).toBe('hi');
  });

  it('ships type declarations for every public class', () => {
    for (const file of ['index.d.ts', 'ENetConnection.d.ts', 'ENetPacketPeer.d.ts', 'errors.d.ts', 'ENetMultiplayerPeer.d.ts',
      'SceneMultiplayerServer.d.ts', 'mesh/SignalingServer.d.ts', 'mesh/SignalingClient.d.ts', 'cli.js']) {
      expect(existsSync(resolve(root, 'dist', file)), file).toBe(true);
    }
  });
});
