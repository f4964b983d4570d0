#!/usr/bin/env node
'use strict';
// Soak: `npm run soak -- [--minutes 3] [--clients 1000] [--dtls] [--processes 4] [--exchange-seconds 20]`
//
// An event-driven echo server in its own process (test/fixtures/echo-server.js) takes waves of
// clients from client processes (scripts/soak-clients.js, one ENet host and socket per client):
// each wave connects every client, streams numbered messages that must come back intact and in
// order, then half of the clients disconnect gracefully and half vanish — one process destroys
// its hosts without a word, another is killed with SIGKILL — so that the server must time them
// out. Waves repeat until --minutes have passed. After each wave and at the end the server is
// measured after a full GC: RSS, open file descriptors, active libuv resources, peers, DTLS
// sessions. Exits 1 if anything is left (peers, sessions, handles, descriptors), if RSS did not
// come back within --rss-tolerance-mb of its level after the first wave, or if any message was
// lost, damaged or out of order.
const { fork } = require('node:child_process');
const { once } = require('node:events');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { forkEchoServer, nextMessage } = require('../test/fixtures/processes');

const { values: options } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    clients: { type: 'string', default: '1000' },
    dtls: { type: 'boolean', default: false },
    processes: { type: 'string', default: '4' },
    'exchange-seconds': { type: 'string', default: '20' },
    'rss-tolerance-mb': { type: 'string', default: '16' },
  },
});
const clientCount = Number(options.clients);
const processCount = Math.max(2, Number(options.processes));
/** Vanished peers must be timed out by the server within its peer timeout (6 s) and some slack. */
const SETTLE_LIMIT_MS = 30_000;
const MiB = 1024 * 1024;

/** The soft limit on open files (children inherit it): each client is one socket. */
function openFileLimit() {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3]);
}

function spawnClients(port, index, count, firstStream) {
  const args = ['--port', String(port), '--count', String(count), '--first-stream', String(firstStream),
    '--concurrency', options.dtls ? '4' : '32'];
  if (options.dtls) args.push('--dtls');
  const child = fork(path.join(__dirname, 'soak-clients.js'), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return { child, index, ready: nextMessage(child, 'ready') };
}

function ask(child, message, replyType) {
  const reply = nextMessage(child, replyType);
  child.send(message);
  return reply;
}

async function waitForEmptyServer(server) {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  for (;;) {
    const measurement = await server.measure();
    const empty = measurement.peers === 0 && measurement.dtls.sessions === 0 && measurement.dtls.handshaking === 0;
    if (empty || Date.now() > deadline) return measurement;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function sum(items, field) {
  return items.reduce((total, item) => total + item[field], 0);
}

const mib = (bytes) => (bytes / MiB).toFixed(1);
const resourceText = (resources) => Object.entries(resources).map(([k, v]) => `${k}:${v}`).sort().join(' ');

async function main() {
  const fdLimit = openFileLimit();
  const perProcess = Math.ceil(clientCount / processCount);
  if (perProcess + 64 > fdLimit) {
    throw new Error(`ulimit -n is ${fdLimit}: ${perProcess} sockets per client process do not fit; raise it or pass more --processes`);
  }
  const server = await forkEchoServer(['--max-peers', String(Math.min(4095, clientCount + 64)),
    '--peer-timeout', '32,2000,6000', ...(options.dtls ? ['--dtls'] : [])]);
  const baseline = await server.measure();
  const started = Date.now();
  const rows = [];
  let totals = { sent: 0, echoed: 0, failures: 0, errors: [], dropped: 0, failedConnects: 0 };
  console.log(`soak: ${options.dtls ? 'DTLS' : 'plain'}, ${clientCount} clients in ${processCount} processes per wave, ` +
    `${options.minutes} min, ulimit -n ${fdLimit}; server baseline RSS ${mib(baseline.rss)} MiB, ${baseline.fds} fds`);

  for (let wave = 1; wave === 1 || Date.now() - started < Number(options.minutes) * 60_000; wave++) {
    const waveStarted = Date.now();
    const groups = Array.from({ length: processCount }, (_, index) => {
      const count = Math.min(perProcess, clientCount - index * perProcess);
      return spawnClients(server.port, index, count, wave * 1_000_000 + index * perProcess);
    });
    await Promise.all(groups.map((group) => group.ready));
    const connects = await Promise.all(groups.map((group) => ask(group.child, { type: 'connect' }, 'connected')));
    const exchanges = await Promise.all(groups.map((group) =>
      ask(group.child, { type: 'exchange', seconds: Number(options['exchange-seconds']) }, 'exchanged')));
    const busy = await server.measure();  // its peaks cover the connects and the exchange

    // Half leave gracefully; of the other half, one process destroys its hosts silently and the
    // last one is killed outright.
    const half = Math.floor(processCount / 2);
    await Promise.all(groups.map(async (group) => {
      if (group.index === processCount - 1) {
        group.child.kill('SIGKILL');
        await once(group.child, 'exit');
        return;
      }
      await ask(group.child, { type: 'leave', how: group.index < half ? 'graceful' : 'vanish' }, 'left');
      group.child.disconnect();
      await once(group.child, 'exit');
    }));
    const after = await waitForEmptyServer(server);
    const row = {
      wave,
      connected: sum(connects, 'connected'),
      failedConnects: sum(connects, 'failed'),
      connectSeconds: Math.max(...connects.map((c) => c.ms)) / 1000,
      peakPeers: busy.peaks.peers,
      echoed: sum(exchanges, 'echoed'),
      sent: sum(exchanges, 'sent'),
      failures: sum(exchanges, 'failures'),
      dropped: sum(exchanges, 'dropped'),
      peersAfter: after.peers,
      sessionsAfter: after.dtls.sessions,
      rss: after.rss,
      peakRss: Math.max(busy.peaks.rss, after.peaks.rss),
      fds: after.fds,
      resources: after.resources,
      seconds: (Date.now() - waveStarted) / 1000,
    };
    rows.push(row);
    totals = {
      sent: totals.sent + row.sent, echoed: totals.echoed + row.echoed, failures: totals.failures + row.failures,
      errors: [...totals.errors, ...exchanges.flatMap((e) => e.errors)].slice(0, 10), dropped: totals.dropped + row.dropped,
      failedConnects: totals.failedConnects + row.failedConnects,
    };
    console.log(`wave ${wave}: ${row.connected} connected (${row.failedConnects} failed) in ${row.connectSeconds.toFixed(1)} s, ` +
      `peers ${row.peakPeers}, ${row.echoed}/${row.sent} echoed, ${row.failures} bad, ${row.dropped} dropped; after: peers ` +
      `${row.peersAfter}, sessions ${row.sessionsAfter}, RSS ${mib(row.rss)} MiB (peak ${mib(row.peakRss)}), fds ${row.fds}, ` +
      `${resourceText(row.resources)} (${row.seconds.toFixed(0)} s)`);
  }

  const final = await waitForEmptyServer(server);
  const durationMinutes = (Date.now() - started) / 60_000;
  await server.close();
  const warm = rows[0].rss;
  const toleranceBytes = Number(options['rss-tolerance-mb']) * MiB;
  const problems = [];
  if (server.exit && server.exit.code !== 0) problems.push(`the server exited with ${server.exit.signal ?? server.exit.code}`);
  if (final.peers !== 0) problems.push(`${final.peers} peers left on the server`);
  if (final.dtls.sessions !== 0 || final.dtls.handshaking !== 0) problems.push(`DTLS sessions left: ${JSON.stringify(final.dtls)}`);
  if (final.fds !== baseline.fds) problems.push(`open fds ${final.fds}, baseline ${baseline.fds}`);
  if (resourceText(final.resources) !== resourceText(baseline.resources)) {
    problems.push(`active resources ${resourceText(final.resources)}, baseline ${resourceText(baseline.resources)}`);
  }
  if (final.rss - warm > toleranceBytes) problems.push(`RSS grew ${mib(final.rss - warm)} MiB since wave 1 (tolerance ${options['rss-tolerance-mb']})`);
  if (totals.failures > 0 || totals.echoed !== totals.sent) {
    problems.push(`${totals.sent - totals.echoed} messages not echoed, ${totals.failures} bad: ${totals.errors.join('; ')}`);
  }
  if (totals.dropped > 0) problems.push(`${totals.dropped} clients were disconnected during their exchange`);

  console.log(`\n| | ${options.dtls ? 'DTLS' : 'plain'} |\n|---|---|`);
  const table = [
    ['duration', `${durationMinutes.toFixed(1)} min, ${rows.length} waves`],
    ['clients per wave', `${clientCount} (${processCount} processes; half graceful, a quarter destroyed, a quarter SIGKILLed)`],
    ['connected / failed', `${sum(rows, 'connected')} / ${totals.failedConnects}`],
    ['messages echoed intact, in order', `${totals.echoed} of ${totals.sent}`],
    ['server RSS: baseline → after wave 1 → end', `${mib(baseline.rss)} → ${mib(warm)} → ${mib(final.rss)} MiB (peak ${mib(Math.max(...rows.map((r) => r.peakRss)))})`],
    ['server fds: baseline → end', `${baseline.fds} → ${final.fds}`],
    ['server handles: baseline → end', `${resourceText(baseline.resources)} → ${resourceText(final.resources)}`],
    ['peers / DTLS sessions at the end', `${final.peers} / ${final.dtls.sessions}`],
  ];
  for (const [name, value] of table) console.log(`| ${name} | ${value} |`);
  if (problems.length > 0) {
    console.error(`\nsoak FAILED:\n- ${problems.join('\n- ')}`);
    process.exitCode = 1;
  } else {
    console.log('\nsoak passed: nothing left behind');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
