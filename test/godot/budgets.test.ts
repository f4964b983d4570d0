// Per-peer budgets with real Godot 4 clients as the honest players (budget_player.gd): playing
// normally (reliable RPCs to all at 60 Hz plus send_bytes, a few KB/s) they are never limited by
// the default budgets, with the margin measured; an abusive client among them (issue 20's
// malformed flood, or a relay-to-all flood) is kicked or held to its budget, and they keep every
// message. Figures are printed with the prefix [budgets/godot].
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_BUDGETS, PeerStats, SceneMultiplayerServer } from '../../lib/index';
import { AbuseReport, runAbusiveClient } from '../fixtures/processes';
import { sleep } from '../godot-client';
import { describeGodot, runGodot } from './godot';

const ABUSER = 666;
const PLAY_SECONDS = 5;
const RELAY_SIZE = 1000;

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

interface Match {
  ids: number[];
  done: Done[];
  /** Each player's stats when it started and once it was done. */
  start: PeerStats[];
  end: PeerStats[];
  abuse: AbuseReport;
  misbehaved: number[];
}

/**
 * Two Godot players on a server with the default budgets, playing for PLAY_SECONDS; once they
 * play, the abusive client joins and floods as `mode` says for 3 s. Checks that each player got
 * every reliable RPC and send_bytes of the other and that its budgets never dropped a thing.
 */
async function playWithAbuser(mode: 'malformed' | 'relay-all', rate: number): Promise<Match> {
  server = new SceneMultiplayerServer({ port: 0, bindIp: '127.0.0.1' }).start();
  const misbehaved: number[] = [];
  server.on('peerMisbehaved', (id) => misbehaved.push(id));
  const players = [0, 1].map(() => runGodot('budget_player.gd', {
    port: server!.getPort(), peers: 1, play: PLAY_SECONDS, hz: 60, 'rpc-bytes': 24, 'raw-bytes': 48, linger: 2, seconds: 40,
  }));
  const ids = (await Promise.all(players.map((player) => player.report<{ id: number }>('playing', 20_000)))).map(({ id }) => id);
  const start = ids.map((id) => server!.getPeerStats(id)!);
  const abuse = await runAbusiveClient(server.getPort(), { id: ABUSER, seconds: 3, rate, mode, size: RELAY_SIZE });
  await Promise.all(players.map((player) => player.report('stopped', 30_000)));
  await sleep(500);  // what is in flight; they quit 2 s after they stopped
  const end = ids.map((id) => server!.getPeerStats(id)!);
  const done = await Promise.all(players.map((player) => player.report<Done>('done', 30_000)));
  for (const index of [0, 1]) {
    const other = ids[1 - index];
    expect(done[index].sent).toBeGreaterThanOrEqual(PLAY_SECONDS * 60 - 1);
    expect(done[index].rpc_from[String(other)]).toBe(done[1 - index].sent);
    expect(done[index].raw_from[String(other)]).toBe(done[1 - index].sent);
    expect(end[index]).toMatchObject({ packetsDropped: 0, bytesDropped: 0, relaysDropped: 0, malformed: 0 });
    expect(end[index].malformedByReason).toEqual({});
  }
  for (const player of players) expect(await player.exited).toEqual({ code: 0, signal: null });
  return { ids, done, start, end, abuse, misbehaved };
}

describeGodot('per-peer budgets with Godot 4 players', () => {
  it('Godot clients playing at 60 Hz stay far within the defaults while an abuser among them is kicked; they keep every message', async () => {
    const { ids, start, end, abuse, misbehaved } = await playWithAbuser('malformed', 13_000);
    expect(abuse.kicked).not.toBeNull();
    expect(misbehaved).toEqual([ABUSER]);
    // Rates over the play time: the budget divided by the rate is the margin.
    const rate = (pick: (stats: PeerStats) => number, index: number) => (pick(end[index]) - pick(start[index])) / PLAY_SECONDS;
    for (const index of [0, 1]) {
      const packets = rate((stats) => stats.packetsIn, index);
      const bytes = rate((stats) => stats.bytesIn, index);
      // What this player's relays made the server send: what the other player got (less a few announcements).
      const relayed = rate((stats) => stats.bytesOut, 1 - index);
      const margins = {
        packets: (DEFAULT_BUDGETS.packetsPerSecond * ids.length) / packets,
        bytes: DEFAULT_BUDGETS.bytesPerSecond / bytes,
        relayed: DEFAULT_BUDGETS.relayBytesPerSecond / relayed,
      };
      console.log(`[budgets/godot] a Godot player at 60 Hz: ${packets.toFixed(0)} packets/s `
        + `(budget ${DEFAULT_BUDGETS.packetsPerSecond} × ${ids.length} clients: ×${margins.packets.toFixed(1)}), `
        + `${(bytes / 1024).toFixed(1)} KiB/s in (×${margins.bytes.toFixed(0)}), ${(relayed / 1024).toFixed(1)} KiB/s `
        + `relayed per other player (×${margins.relayed.toFixed(0)}: the relay budget holds ${Math.floor(margins.relayed)} others)`);
      expect(margins.packets).toBeGreaterThan(5);
      expect(margins.bytes).toBeGreaterThan(50);
      expect(margins.relayed).toBeGreaterThan(100);
    }
  }, 90_000);

  it('a relay-to-all flood among Godot players reaches them within the flooder\'s relay budget; they keep every message', async () => {
    const { done, abuse, misbehaved } = await playWithAbuser('relay-all', 3000);
    // Each relayed copy is the flooder's 1000 bytes in a 6-byte relay header; Godot shows each as peer_packet(666).
    const copies = done.map((player) => player.raw_from[String(ABUSER)] ?? 0);
    const sentOnItsBehalf = (copies[0] + copies[1]) * (RELAY_SIZE + 6);
    const bound = DEFAULT_BUDGETS.relayBytesPerSecond * (2 + abuse.seconds + 1) + 2 * (RELAY_SIZE + 6);
    console.log(`[budgets/godot] relay-to-all flood among 2 Godot players: ${abuse.sent} relays sent in `
      + `${abuse.seconds.toFixed(1)} s (${(2 * abuse.bytes / 1024 / 1024).toFixed(1)} MiB of copies unbudgeted); `
      + `they received ${copies.join(' and ')} copies, ${(sentOnItsBehalf / 1024 / 1024).toFixed(1)} MiB (bound `
      + `${(bound / 1024 / 1024).toFixed(1)} MiB)`);
    expect(misbehaved).toEqual([]);
    expect(copies[0]).toBeGreaterThan(0);
    expect(sentOnItsBehalf).toBeLessThanOrEqual(bound);
  }, 90_000);
});
