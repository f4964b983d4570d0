// Peer control against the real Godot 4: disconnects with data, timeouts, pings and throttling;
// each with Godot as the server and as the client, started from either end.
import { expect, it } from 'vitest';
import { ENetPacketPeer, PeerStatistic } from '../../lib/index';
import { describeGodot } from './godot';
import { command, connectEnds, Direction, DIRECTIONS, GodotReceived, popStatistics, sha256, Stats, until } from './enet';
import { sleep } from '../godot-client';
import { pattern } from '../helpers';

const { FLAG_RELIABLE } = ENetPacketPeer;

/** set_timeout on either end, with Godot's end killed and then this library's no longer serviced. */
async function timesOut(direction: Direction): Promise<void> {
  // Godot's end goes silent: killed.
  const killed = await connectEnds(direction);
  expect(killed.peer.setTimeout(32, 300, 800)).toBe(0);
  await sleep(100);
  const at = performance.now();
  killed.godot.kill();
  await until('timeout', () => killed.node.disconnects[0], 5000);
  const elapsed = killed.node.disconnects[0].at - at;
  console.log(`${direction}: this library timed Godot out in ${elapsed.toFixed(0)} ms (timeout max 800 ms)`);
  expect(killed.node.disconnects[0].data).toBe(0);
  expect(elapsed).toBeGreaterThan(250);
  expect(elapsed).toBeLessThan(3000);
  // This library's end goes silent: no longer serviced.
  const silent = await connectEnds(direction);
  const done = await command<{ usec: number }>(silent, { do: 'timeout', limit: 32, min: 300, max: 800 });
  silent.node.host.stop();
  const gone = await silent.godot.report<{ usec: number; data: number }>('disconnect', 5000);
  console.log(`${direction}: Godot timed this library out in ${((gone.usec - done.usec) / 1000).toFixed(0)} ms (timeout max 800 ms)`);
  expect(gone.data).toBe(0);
  expect((gone.usec - done.usec) / 1000).toBeLessThan(3000);
}

/** ping_interval from either end, counted by the other end on an idle link. */
async function pings(direction: Direction): Promise<void> {
  const ends = await connectEnds(direction);
  // Pings at 50 ms from this library: Godot receives about 12 datagrams in 600 ms (plus acks of its own pings).
  ends.peer.pingInterval(50);
  await command(ends, { do: 'stats' });
  await sleep(600);
  const fast = await command<Stats>(ends, { do: 'stats' });
  ends.peer.pingInterval(2000);
  await sleep(100);
  await command(ends, { do: 'stats' });
  await sleep(600);
  const slow = await command<Stats>(ends, { do: 'stats' });
  console.log(`${direction}: in 600 ms Godot received ${fast.host.HOST_TOTAL_RECEIVED_PACKETS} datagrams with pings every 50 ms, `
    + `${slow.host.HOST_TOTAL_RECEIVED_PACKETS} with 2000 ms`);
  expect(fast.host.HOST_TOTAL_RECEIVED_PACKETS).toBeGreaterThanOrEqual(6);
  expect(slow.host.HOST_TOTAL_RECEIVED_PACKETS).toBeLessThan(fast.host.HOST_TOTAL_RECEIVED_PACKETS / 2);
  // The same from Godot.
  await command(ends, { do: 'ping_interval', ms: 50 });
  popStatistics(ends.node);
  await sleep(600);
  const fromGodot = popStatistics(ends.node).HOST_TOTAL_RECEIVED_PACKETS;
  console.log(`${direction}: in 600 ms this library received ${fromGodot} datagrams with Godot pinging every 50 ms`);
  expect(fromGodot).toBeGreaterThanOrEqual(6);
}

describeGodot('Godot 4 ENetPacketPeer: peer control', () => {
  // Both directions at once: these mostly wait for ENet's timers.
  it('set_timeout on either end times out a silent peer within its maximum', () => Promise.all(DIRECTIONS.map(timesOut)));

  it('ping_interval on either end sets how often an idle link is pinged', () => Promise.all(DIRECTIONS.map(pings)));

  for (const direction of DIRECTIONS) {
    it(`${direction}: peer_disconnect, _later and _now from Godot reach this library with their data`, async () => {
      for (const [how, data] of [['disconnect', 11], ['disconnect_later', 22], ['disconnect_now', 33]] as const) {
        const ends = await connectEnds(direction);
        // disconnect_later goes after what is queued: the packets first.
        const done = await command<{ sent: { sha256: string }[] }>(ends, { do: 'send', sizes: [10, 5000, 100_000] });
        await command(ends, { do: how, data });
        await until(`${how}: disconnect`, () => ends.node.disconnects[0]);
        expect(ends.node.disconnects[0].data, how).toBe(data);
        if (how === 'disconnect_later') {
          expect(ends.node.received.map((got) => sha256(got.packet))).toEqual(done.sent.map((sent) => sent.sha256));
        }
        // Godot reports its own DISCONNECT after the acknowledgement; not after _now (no event for a forced one).
        if (how === 'disconnect') await ends.godot.report('disconnect');
        if (how === 'disconnect_now') {
          await sleep(200);
          expect(ends.godot.reports('disconnect')).toEqual([]);
        }
      }
    });

    it(`${direction}: peerDisconnect, Later and Now from this library reach Godot with their data`, async () => {
      for (const [how, data] of [['peerDisconnect', 44], ['peerDisconnectLater', 55], ['peerDisconnectNow', 0xfffffff]] as const) {
        const ends = await connectEnds(direction);
        const sent = [10, 5000, 100_000].map((size, index) => pattern(size, index + 7));
        for (const packet of sent) ends.peer.send(0, packet, FLAG_RELIABLE);
        ends.peer[how](data);
        const godotSaw = await ends.godot.report<{ data: number }>('disconnect');
        expect(godotSaw.data, how).toBe(data);
        if (how === 'peerDisconnectLater') {
          expect(ends.godot.reports<GodotReceived>('receive').map((got) => got.sha256)).toEqual(sent.map(sha256));
        }
      }
    });

    it(`${direction}: throttle_configure from either end sets the other end's throttle`, async () => {
      const ends = await connectEnds(direction);
      expect(ends.peer.throttleConfigure(2000, 3, 4)).toBe(0);
      await sleep(100);
      const godot = await command<Stats>(ends, { do: 'stats' });
      expect([godot.peer.PEER_PACKET_THROTTLE_INTERVAL, godot.peer.PEER_PACKET_THROTTLE_ACCELERATION,
        godot.peer.PEER_PACKET_THROTTLE_DECELERATION]).toEqual([2000, 3, 4]);
      await command(ends, { do: 'throttle', interval: 3000, acceleration: 5, deceleration: 6 });
      await until('the throttle command', () => ends.peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL) === 3000 || undefined);
      expect([ends.peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_ACCELERATION),
        ends.peer.getStatistic(PeerStatistic.PEER_PACKET_THROTTLE_DECELERATION)]).toEqual([5, 6]);
    });

  }
});
