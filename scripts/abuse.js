#!/usr/bin/env node
'use strict';
// What one abusive client costs a SceneMultiplayerServer, in memory:
//   node scripts/abuse.js [--budgets default|off|JSON] [--mode malformed|relay-all] [--seconds 10]
//                         [--rate 13000] [--rounds 1]
//
// The server runs in its own process (test/fixtures/scene-server.js); each round, a new abusive
// client (test/fixtures/abusive-client.js) floods it for --seconds at --rate frames a second.
// The server is measured after a full GC before, during (every 2 s) and after each round: RSS,
// JavaScript heap and external memory, its drop and malformed counts. `--budgets off` is Godot's
// behaviour (no budget). The environment passes to the server, e.g. GLIBC_TUNABLES to see how
// much of the RSS is glibc's malloc keeping freed memory (docs/guide.md, "Per-peer budgets").
const { parseArgs } = require('node:util');
const { forkSceneServer, runAbusiveClient } = require('../test/fixtures/processes');
const { DEFAULT_BUDGETS } = require('../dist/index.js');

const { values: options } = parseArgs({
  options: {
    budgets: { type: 'string', default: 'default' },
    mode: { type: 'string', default: 'malformed' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '13000' },
    rounds: { type: 'string', default: '1' },
  },
});
const budgets = options.budgets === 'default' ? {}
  : options.budgets === 'off' ? Object.fromEntries(Object.keys(DEFAULT_BUDGETS).map((name) => [name, 0]))
    : JSON.parse(options.budgets);
const MiB = 1024 * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const server = await forkSceneServer(budgets);
  const show = async (label) => {
    const m = await server.measure();
    const { packetsDropped, bytesDropped, relaysDropped, malformed, misbehaved } = m.stats;
    console.log(`${label.padEnd(10)} rss ${(m.rss / MiB).toFixed(1)} MiB (peak ${(m.peakRss / MiB).toFixed(1)}), heap `
      + `${(m.heapUsed / MiB).toFixed(1)}, external ${(m.external / MiB).toFixed(1)}; dropped ${packetsDropped} packets `
      + `(${(bytesDropped / MiB).toFixed(1)} MiB), ${relaysDropped} relays; ${malformed} malformed, ${misbehaved} kicked`);
  };
  await sleep(1000);
  await show('baseline');
  for (let round = 0; round < Number(options.rounds); round++) {
    const during = setInterval(() => show('during'), 2000);
    const report = await runAbusiveClient(server.port, {
      id: 1000 + round, seconds: Number(options.seconds), rate: Number(options.rate), mode: options.mode,
    });
    clearInterval(during);
    console.log(`round ${round + 1}: ${report.sent} frames (${(report.bytes / MiB).toFixed(1)} MiB) in `
      + `${report.seconds.toFixed(1)} s; ${report.kicked ? `kicked after ${report.kicked.afterMs} ms` : 'not kicked'}`);
    for (let i = 1; i <= 3; i++) {
      await sleep(2000);
      await show(`after ${2 * i} s`);
    }
  }
  await server.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
