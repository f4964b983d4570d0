// Per-peer budgets with real Godot 4 clients as the honest players (budget_player.gd): playing
// normally (reliable RPCs to all at 60 Hz plus send_bytes, a few KB/s) they are never limited by
// the default budgets, with the margin measured; an abusive client among them (issue 20's flood)
// is kicked and they keep every message. Figures are printed with the prefix [budgets/godot].
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_BUDGETS, PeerStats, SceneMultiplayerServer } from '../../lib/index';
import { runAbusiveClient } from '../fixtures/processes';
import { describeGodot, runGodot } from './godot';

const ABUSER = 666;
const PLAY_SECONDS = 5;

let server: SceneMultiplayerServer | undefined;
afterEach(async () => {
  await server?.close(0);
  server = undefined;
});

interface Done {
  sent: number;
  rpc_from: Record<string, number>;
  raw_from: Record<string, number>;
}

describeGodot('per-peer budgets with Godot 4 players', () => {
  it('Godot clients playing at 60 Hz stay far within the defaults while an abuser among them is kicked; they keep every message', async () => {
    server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1' }).start();
    const misbehaved: number[] = [];
    server.on('peerMisbehaved', (id) => misbehaved.push(id));
    const players = [0, 1].map(() => runGodot('budget_player.gd', {
      port: server!.getPort(), peers: 1, play: PLAY_SECONDS, hz: 60, 'rpc-bytes': 24, 'raw-bytes': 48, linger: 2, seconds: 40,
    }));
    const ids = (await Promise.all(players.map((player) => player.report<{ id: number }>('playing', 20_000)))).map(({ id }) => id);
    const start = ids.map((id) => server!.getPeerStats(id)!);
    const startedAt = Date.now();

    const abuse = await runAbusiveClient(server.getPort(), { id: ABUSER, seconds: 3, rate: 13_000, mode: 'malformed' });
    expect(abuse.kicked).not.toBeNull();
    expect(misbehaved).toEqual([ABUSER]);

    const done = await Promise.all(players.map((player) => player.report<Done>('done', 30_000)));
    const end = ids.map((id) => server!.getPeerStats(id)!);
    const seconds = (Date.now() - startedAt) / 1000;
    for (const index of [0, 1]) {
      const other = ids[1 - index];
      // Every reliable RPC and send_bytes of the other player arrived (the server took the raw bytes too).
      expect(done[index].rpc_from[String(other)]).toBe(done[1 - index].sent);
      expect(done[index].raw_from[String(other)]).toBe(done[1 - index].sent);
      expect(done[index].sent).toBeGreaterThanOrEqual(PLAY_SECONDS * 60 - 1);
      expect(end[index]).toMatchObject({ packetsDropped: 0, bytesDropped: 0, relaysDropped: 0, malformed: 0 });
      expect(end[index].malformedByReason).toEqual({});
    }
    // Rates over the play time (the linger adds nothing): the budget divided by the rate is the margin.
    const rate = (pick: (stats: PeerStats) => number, index: number) => (pick(end[index]) - pick(start[index])) / PLAY_SECONDS;
    const margins = ids.map((_, index) => {
      const packets = rate((stats) => stats.packetsIn, index);
      const bytes = rate((stats) => stats.bytesIn, index);
      // What this player's relays made the server send: all the other player received, less what the server said itself.
      const relayed = rate((stats) => stats.bytesOut, 1 - index);
      return {
        packets, bytes, relayed,
        packetsMargin: (DEFAULT_BUDGETS.packetsPerSecond * ids.length) / packets,
        bytesMargin: DEFAULT_BUDGETS.bytesPerSecond / bytes,
        relayMargin: DEFAULT_BUDGETS.relayBytesPerSecond / relayed,
      };
    });
    for (const m of margins) {
      console.log(`[budgets/godot] a Godot player at 60 Hz: ${m.packets.toFixed(0)} packets/s `
        + `(budget ${DEFAULT_BUDGETS.packetsPerSecond} × ${ids.length} clients, `
        + `×${m.packetsMargin.toFixed(1)}), ${(m.bytes / 1024).toFixed(1)} KiB/s in (×${m.bytesMargin.toFixed(0)}), `
        + `${(m.relayed / 1024).toFixed(1)} KiB/s relayed per other player (×${m.relayMargin.toFixed(0)}: `
        + `the relay budget holds ${Math.floor(m.relayMargin)} other players) over ${seconds.toFixed(1)} s`);
      expect(m.packetsMargin).toBeGreaterThan(5);
      expect(m.bytesMargin).toBeGreaterThan(50);
      expect(m.relayMargin).toBeGreaterThan(100);
    }
    for (const player of players) expect(await player.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});
