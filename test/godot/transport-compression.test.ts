// Every compression mode against the real Godot 4, with Godot as the server and as the client,
// packets going both ways: text that compresses and random bytes that do not. And Godot's crash
// on an empty packet with the range coder, which this library does not share.
import { expect, it } from 'vitest';
import { ENetPacketPeer } from '../../lib/index';
import { describeGodot } from './godot';
import { command, Compression, connectEnds, DIRECTIONS, Ends, GodotReceived, popStatistics, sha256, Stats, until } from './enet';
import { pattern } from '../helpers';

const { FLAG_RELIABLE } = ENetPacketPeer;
const MODES: Compression[] = ['RANGE_CODER', 'FASTLZ', 'ZLIB', 'ZSTD'];
const SIZES = [1, 100, 1000, 1392, 5000, 65_536];

/** Text as Godot's make_packet() writes it: compresses well. */
function text(size: number): Buffer {
  const line = 'Godot and godot-enet speak ENet to each other. ';
  return Buffer.from(line.repeat(Math.ceil(size / line.length))).subarray(0, size);
}

/** Sends `packets` to Godot on channel 0; what Godot reported receiving, in order. */
async function toGodot(ends: Ends, packets: Buffer[]): Promise<GodotReceived[]> {
  const before = ends.godot.reports('receive').length;
  for (const packet of packets) ends.peer.send(0, packet, FLAG_RELIABLE);
  return until('Godot receives them', () => {
    const got = ends.godot.reports<GodotReceived>('receive').slice(before);
    return got.length >= packets.length && got;
  });
}

/** Has Godot send `sizes` of `fill`; the packets sent (their sha256) and received here. */
async function fromGodot(ends: Ends, sizes: number[], fill: string): Promise<{ sent: string[]; received: string[] }> {
  const before = ends.node.received.length;
  const done = await command<{ sent: { sha256: string }[] }>(ends, { do: 'send', sizes, fill });
  const received = (await ends.node.receivedCount(before + sizes.length)).slice(before).map((got) => sha256(got.packet));
  return { sent: done.sent.map((sent) => sent.sha256), received };
}

describeGodot('Godot 4 ENetConnection.compress', () => {
  for (const mode of MODES) {
    for (const direction of DIRECTIONS) {
      it(`${mode}, ${direction}: text and random packets both ways, text sent in fewer bytes`, async () => {
        const ends = await connectEnds(direction, { compress: mode });
        // Text: compressed on the wire, as both ends count it.
        await command(ends, { do: 'stats' });
        popStatistics(ends.node);
        const texts = SIZES.map(text);
        const got = await toGodot(ends, texts);
        expect(got.map((packet) => packet.sha256)).toEqual(texts.map(sha256));
        const sent = popStatistics(ends.node).HOST_TOTAL_SENT_DATA;
        const godot = await command<Stats>(ends, { do: 'stats' });
        const payload = texts.reduce((sum, packet) => sum + packet.length, 0);
        console.log(`${mode}, ${direction}: ${payload} B of text went out in ${sent} B; Godot received ${godot.host.HOST_TOTAL_RECEIVED_DATA} B`);
        expect(sent).toBeLessThan(payload / 2);
        expect(Math.abs(godot.host.HOST_TOTAL_RECEIVED_DATA - sent)).toBeLessThan(200);
        // Random bytes: sent as they are (or compressed where a datagram is mostly headers); 0 bytes too.
        const random = [0, ...SIZES].map((size, index) => Buffer.from(pattern(size, index + 1)));
        expect((await toGodot(ends, random)).map((packet) => packet.sha256)).toEqual(random.map(sha256));
        // Godot sends: text, then random bytes (no empty packet from a range coder Godot: see below).
        const textBack = await fromGodot(ends, SIZES, 'text');
        expect(textBack.received).toEqual(textBack.sent);
        const randomBack = await fromGodot(ends, mode === 'RANGE_CODER' ? SIZES : [0, ...SIZES], 'random');
        expect(randomBack.received).toEqual(randomBack.sent);
      });
    }
  }

  for (const direction of DIRECTIONS) {
    it(`Godot misbehaves, ${direction}: a Godot host with COMPRESS_RANGE_CODER crashes (SIGSEGV) sending a 0-byte packet; `
      + 'this library sends one to it without harm', async () => {
      const ends = await connectEnds(direction, { compress: 'RANGE_CODER' });
      const [got] = await toGodot(ends, [Buffer.alloc(0)]);
      expect(got.size).toBe(0);
      await command(ends, { do: 'send', sizes: [0] });
      const exit = await ends.godot.exited;
      console.log(`${direction}: Godot sending a 0-byte packet with the range coder: exit ${JSON.stringify(exit)}; stderr begins:\n`
        + ends.godot.stderr().split('\n').slice(2, 5).join('\n'));
      // Godot's crash handler catches the SIGSEGV (ENet's range coder reads the empty buffer) and aborts.
      expect(ends.godot.stderr()).toContain('Program crashed with signal 11');
      expect(exit.signal).toBe('SIGABRT');
    });
  }
});
