// A full mesh of Godot 4 peers (mp_mesh.gd: create_mesh + add_mesh_peer, SceneMultiplayer) and
// our peers (ENetMultiplayerPeer.createMesh + addMeshPeer), linked by direct addresses on
// 127.0.0.1: every peer receives from every other.
import { afterEach, expect, it } from 'vitest';
import { ENetConnection, ENetMultiplayerPeer, TransferMode } from '../../lib/index';
import { until } from '../godot-client';
import { freeUdpPort } from '../helpers';
import { describeGodot } from './godot';
import { MpRun, runMp } from './multiplayer';

/** SceneMultiplayer's raw-bytes frame: what Godot's send_bytes sends and peer_packet reports. */
const RAW = 3;

/** One link of a peer: the other peer, and whether this side listens on the port or connects to it. */
interface Link {
  id: number;
  listen?: number;
  connect?: number;
}

/** For every pair of `ids`, a free port: the lower ID listens, the higher one connects. */
async function fullMesh(ids: number[]): Promise<Map<number, Link[]>> {
  const links = new Map<number, Link[]>(ids.map((id) => [id, []]));
  for (const [index, low] of ids.entries()) {
    for (const high of ids.slice(index + 1)) {
      const port = await freeUdpPort();
      links.get(low)!.push({ id: high, listen: port });
      links.get(high)!.push({ id: low, connect: port });
    }
  }
  return links;
}

interface OurPeer {
  multiplayer: ENetMultiplayerPeer;
  /** What arrived: sender, text, mode and channel of raw-bytes frames. */
  heard: { from: number; text: string; mode: TransferMode; channel: number }[];
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Our mesh peer `id`: one host per link, handed to addMeshPeer once its peer connects. */
function ourMeshPeer(id: number, links: Link[]): OurPeer {
  const multiplayer = new ENetMultiplayerPeer();
  const peer: OurPeer = { multiplayer, heard: [] };
  multiplayer.createMesh(id);
  multiplayer.on('packet', (from, packet, mode, channel) => {
    if (packet[0] === RAW) peer.heard.push({ from, text: packet.subarray(1).toString(), mode, channel });
  });
  multiplayer.start();
  const hosts = links.map((link) => {
    const host = new ENetConnection();
    if (link.listen !== undefined) host.createHostBound('127.0.0.1', link.listen, 1);
    else {
      host.createHost(1);
      host.connectToHost('127.0.0.1', link.connect!, 0, id);
    }
    host.once('connect', () => multiplayer.addMeshPeer(link.id, host));
    host.start();
    return host;
  });
  cleanups.push(() => {
    multiplayer.close();
    for (const host of hosts) if (host.native.isActive()) host.destroy();
  });
  return peer;
}

/** Godot mesh peers `godotIds` and ours `ourIds` in a full mesh, once every one is linked with every other. */
async function startMesh(godotIds: number[], ourIds: number[]): Promise<{ godots: Map<number, MpRun>; ours: Map<number, OurPeer>; all: number[] }> {
  const all = [...godotIds, ...ourIds].sort((a, b) => a - b);
  const links = await fullMesh(all);
  const godots = new Map<number, MpRun>();
  await Promise.all(godotIds.map(async (id) => godots.set(id, await runMp('mp_mesh.gd', { id, links: JSON.stringify(links.get(id)) }))));
  const ours = new Map(ourIds.map((id) => [id, ourMeshPeer(id, links.get(id)!)]));
  for (const [id, godot] of godots) {
    expect(await godot.waitFor('created')).toEqual({ error: 0, id });
    await until(() => godot.all('peer_connected').length === all.length - 1, 10_000, `Godot peer ${id} to link with all`);
    expect(godot.all('linked').every((linked) => linked.error === 0)).toBe(true);
    expect(godot.all('peer_connected').map((event) => event.id).sort()).toEqual(all.filter((other) => other !== id));
  }
  for (const [id, peer] of ours) {
    await until(() => all.every((other) => other === id || peer.multiplayer.getPeer(other) !== null), 10_000,
      `our peer ${id} to link with all`);
  }
  return { godots, ours, all };
}

describeGodot('ENet mesh of Godot 4 and our peers', () => {
  it('two Godot peers and two of ours form a full mesh by direct addresses; each receives bytes from every other, Godot peers RPCs too', async () => {
    const godotIds = [11, 13];
    const { godots, ours, all } = await startMesh(godotIds, [12, 14]);

    for (const [id, godot] of godots) {
      godot.command({ do: 'send', to: 0, text: `hello from ${id}` });
      for (const other of godotIds) if (other !== id) godot.command({ do: 'rpc', to: other, text: `rpc from ${id}` });
    }
    for (const [id, peer] of ours) {
      peer.multiplayer.setTargetPeer(0);
      peer.multiplayer.putPacket(Buffer.from(`\x03hello from ${id}`));
    }
    for (const [id, godot] of godots) {
      for (const other of all) {
        if (other !== id) await godot.waitFor('peer_packet', { from: other, text: `hello from ${other}` });
      }
      const otherGodot = godotIds.find((other) => other !== id)!;
      expect(await godot.waitFor('rpc', { text: `rpc from ${otherGodot}` })).toEqual({ from: otherGodot, text: `rpc from ${otherGodot}`, method: 'hear' });
    }
    for (const [id, peer] of ours) {
      const expected = all.filter((other) => other !== id).map((other) => `${other}: hello from ${other}`);
      await until(() => peer.heard.length === expected.length, 5000, `our peer ${id} to hear from every other`);
      expect(peer.heard.map(({ from, text }) => `${from}: ${text}`).sort()).toEqual(expected);
    }
  });

  it('sends to all but one (−ID), both ways, with the sender\'s transfer mode and channel', async () => {
    const { godots, ours } = await startMesh([31, 33], [32, 34]);
    godots.get(31)!.command({ do: 'send', to: -32, text: 'not to 32', mode: 'ordered', channel: 4 });
    ours.get(32)!.multiplayer.setTargetPeer(-33);
    ours.get(32)!.multiplayer.transferMode = TransferMode.TRANSFER_MODE_UNRELIABLE;
    ours.get(32)!.multiplayer.transferChannel = 9;
    ours.get(32)!.multiplayer.putPacket(Buffer.from('\x03not to 33'));
    await godots.get(33)!.waitFor('peer_packet', { from: 31, text: 'not to 32' });
    await godots.get(31)!.waitFor('peer_packet', { from: 32, text: 'not to 33' });
    await until(() => ours.get(34)!.heard.length === 2, 5000, 'both packets at 34');
    expect(ours.get(34)!.heard.sort((a, b) => a.from - b.from)).toEqual([
      { from: 31, text: 'not to 32', mode: TransferMode.TRANSFER_MODE_UNRELIABLE_ORDERED, channel: 4 },
      { from: 32, text: 'not to 33', mode: TransferMode.TRANSFER_MODE_UNRELIABLE, channel: 9 },
    ]);
    // The excluded ones got nothing: a last reliable packet to each arrives alone.
    godots.get(31)!.command({ do: 'send', to: 32, text: 'last' });
    ours.get(32)!.multiplayer.setTargetPeer(33);
    ours.get(32)!.multiplayer.transferMode = TransferMode.TRANSFER_MODE_RELIABLE;
    ours.get(32)!.multiplayer.putPacket(Buffer.from('\x03last'));
    await godots.get(33)!.waitFor('peer_packet', { from: 32, text: 'last' });
    await until(() => ours.get(32)!.heard.length === 1, 5000, 'the last packet at 32');
    expect(ours.get(32)!.heard.map(({ text }) => text)).toEqual(['last']);
    expect(godots.get(33)!.all('peer_packet', { from: 32 }).map(({ text }) => text)).toEqual(['last']);
  });

  it('a Godot mesh peer that quits, and one of ours that closes, are reported as gone by the others', async () => {
    const links = await fullMesh([21, 22, 23]);
    const leaving = await runMp('mp_mesh.gd', { id: 21, links: JSON.stringify(links.get(21)) });
    const staying = await runMp('mp_mesh.gd', { id: 22, links: JSON.stringify(links.get(22)) });
    const ours = ourMeshPeer(23, links.get(23)!);
    const left: number[] = [];
    ours.multiplayer.on('peerDisconnected', (id) => left.push(id));
    await until(() => leaving.all('peer_connected').length === 2 && staying.all('peer_connected').length === 2, 10_000, 'the mesh');
    leaving.command({ do: 'quit' });
    await staying.waitFor('peer_disconnected', { id: 21 });
    await until(() => left.length === 1, 5000, 'our peer to see 21 go');
    expect(left).toEqual([21]);
    ours.multiplayer.close();
    await staying.waitFor('peer_disconnected', { id: 23 }, 2000);
  });
});
