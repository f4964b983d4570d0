#!/usr/bin/env node
'use strict';
// Where this machine saturates under `godot-enet bots`:
//   node scripts/bots-saturation.js [--steps 100,200,400,800] [--rate 20] [--size 32] [--duration 5]
//     [--mode reliable] [--threads N] [--ramp 200] [--no-relay]
//
// For each step a fresh `godot-enet serve` (its own process, CPU read from /proc as the benchmark
// reads it) takes that many bots from runBots in this process; each bot sends --rate messages a
// second for --duration seconds. Prints one Markdown row per step: bots joined, messages per
// second, the server's CPU and the bots' (this process, every thread), bots per core of the bots'
// CPU, ENet round trip p50/p99, time to join p99, and the datagrams the kernel dropped because a
// UDP socket's receive buffer was full (RcvbufErrors of /proc/net/snmp: the whole machine's, so
// other programs' too). --no-relay: the server does not announce
// clients to each other (Godot's server_relay = false); with relay, every join is announced to
// every client, N² reliable messages for N bots. Needs `npm run build:ts` first (dist/).
const path = require('node:path');
const { parseArgs } = require('node:util');
const { runBots, TransferMode } = require('../dist/index.js');
const { Child } = require('../bench/lib/children');
const { cpuSeconds } = require('../bench/lib/procstat');
const { readFileSync } = require('node:fs');

/** UDP datagrams the kernel dropped so far for a full socket receive buffer (Linux, machine-wide). */
function receiveBufferDrops() {
  const [names, counts] = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
  return Number(counts.split(' ')[names.split(' ').indexOf('RcvbufErrors')]);
}

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100,200,400,800' },
    rate: { type: 'string', default: '20' },
    size: { type: 'string', default: '32' },
    duration: { type: 'string', default: '5' },
    mode: { type: 'string', default: 'reliable' },
    ramp: { type: 'string', default: '200' },
    threads: { type: 'string' },
    'no-relay': { type: 'boolean', default: false },
  },
});
const MODES = { reliable: TransferMode.TRANSFER_MODE_RELIABLE, unreliable: TransferMode.TRANSFER_MODE_UNRELIABLE };
const bin = path.join(__dirname, '../bin/godot-enet.js');

async function step(count) {
  const server = new Child(process.execPath, [bin, 'serve', '--port', '0', '--bind', '127.0.0.1',
    '--max-clients', String(count + 16), '--stats-interval', '0', ...(values['no-relay'] ? ['--no-relay'] : [])]);
  try {
    const port = JSON.parse(await server.next('{', 15_000).then((rest) => `{${rest}`)).port;
    const serverCpu = cpuSeconds(server.pid);
    const drops = receiveBufferDrops();
    const botsCpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const summary = await runBots({
      address: '127.0.0.1', port, count, durationS: Number(values.duration), rampPerSecond: Number(values.ramp),
      rateHz: Number(values.rate), size: Number(values.size), mode: MODES[values.mode],
      threads: values.threads === undefined ? undefined : Number(values.threads),
    });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(botsCpu);
    const botsPercent = ((used.user + used.system) / 1e6 / elapsed) * 100;
    return {
      bots: count,
      joined: summary.joined,
      failed: summary.failed,
      threads: summary.threads,
      messagesPerS: summary.sent.packets / elapsed,
      failures: summary.failures,
      disconnects: summary.disconnects,
      serverCpuPercent: ((cpuSeconds(server.pid) - serverCpu) / elapsed) * 100,
      botsCpuPercent: botsPercent,
      botsPerCore: count / (botsPercent / 100),
      rttP50: summary.rttMs.p50,
      rttP99: summary.rttMs.p99,
      joinP99: summary.joinMs.p99,
      receiveBufferDrops: receiveBufferDrops() - drops,
    };
  } finally {
    server.process.kill('SIGTERM');
    await server.exited;
  }
}

async function main() {
  const rows = [];
  for (const count of values.steps.split(',').map(Number)) rows.push(await step(count));
  const n = (value, digits = 0) => (value === null ? '–' : value.toFixed(digits));
  console.log(`${values.rate} Hz × ${values.size} B ${values.mode} per bot, ${values.duration} s, ramp ${values.ramp}/s, `
    + `relay ${values['no-relay'] ? 'off' : 'on'}; CPU in % of one core over the whole run.\n`);
  console.log('| bots | joined | disconnects | messages/s | server CPU | bots CPU (threads) | bots per core | RTT p50 / p99 ms | join p99 ms | UDP receive-buffer drops |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.bots} | ${r.joined} | ${r.disconnects} | ${n(r.messagesPerS)} | ${n(r.serverCpuPercent)} % | ${n(r.botsCpuPercent)} % (${r.threads}) `
      + `| ${n(r.botsPerCore)} | ${n(r.rttP50)} / ${n(r.rttP99)} | ${n(r.joinP99)} | ${r.receiveBufferDrops} |`);
  }
  console.log(`\n${JSON.stringify(rows)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
