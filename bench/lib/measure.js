'use strict';
// One measurement: a fresh server, the load clients of one scenario, and what both report.
const path = require('node:path');
const { onCpus } = require('./affinity');
const { Child } = require('./children');
const { cpuSeconds, rssMiB } = require('./procstat');
const { PEERS_PER_CLIENT } = require('../scenarios');

const SECOND = 1000;
const BYSTANDER = path.join(__dirname, '../servers/bystander.js');

function startServer(binaries, server, cpus) {
  if (server.native) return new Child(...onCpus(cpus, binaries.echoServer, []));
  return new Child(...onCpus(cpus, server.command, [...server.args, ...(server.range ? ['--range'] : [])]));
}

/** The C load client, or the addon's (bench/clients/addon-load.js) where the scenario asks for it. */
function startClient(binaries, args, server, scenario, cpus) {
  if (scenario.client !== 'addon') return new Child(...onCpus(cpus, binaries.loadClient, args));
  const script = path.join(__dirname, '../clients/addon-load.js');
  return new Child(...onCpus(cpus, process.execPath, [script, ...args, ...(server.dtls ? ['--dtls'] : [])]));
}

function clientArgs(port, server, scenario, timing, peers) {
  const many = scenario.mode === 'many';
  const args = [
    '--port', String(port), '--mode', scenario.mode, '--size', String(scenario.size),
    '--flags', String(scenario.flags), '--window', String(scenario.window ?? 1),
    '--warmup', '1', '--duration', String(many ? timing.manyDuration : timing.duration), '--grace', '1',
  ];
  if (many) args.push('--peers', String(peers), '--rate', String(scenario.rate), '--wait-go');
  if (server.raw) args.push('--raw');
  if (server.range) args.push('--range');
  return args;
}

/** `timing.pinning`: the CPUs of the server and of the clients in the many-peers scenarios (affinity.js). */
async function measure(binaries, server, scenario, timing) {
  const { server: serverCpus = null, clients: clientCpus = null } = (scenario.mode === 'many' && timing.pinning) || {};
  const echo = startServer(binaries, server, serverCpus);
  // Next to the many-peers runs, on the server's cores: the loop delay of a Node process that
  // does nothing (bench/servers/bystander.js).
  const bystander = scenario.mode === 'many' ? new Child(...onCpus(serverCpus, process.execPath, [BYSTANDER])) : null;
  const clients = [];
  try {
    const port = Number(await echo.next('PORT', 10 * SECOND));
    if (bystander) await bystander.next('PORT', 10 * SECOND);
    const total = scenario.peers ?? 1;
    for (let left = total; left > 0; left -= PEERS_PER_CLIENT) {
      const peers = Math.min(left, PEERS_PER_CLIENT);
      clients.push(startClient(binaries, clientArgs(port, server, scenario, timing, peers), server, scenario, clientCpus));
    }
    // A client that cannot connect says why in its RESULT instead of CONNECTED.
    const connected = await Promise.all(clients.map((client) => client.nextOf(['CONNECTED', 'RESULT'], 60 * SECOND)));
    const refused = connected.find((line) => line.startsWith('RESULT'));
    if (refused) throw new Error(JSON.parse(refused.slice('RESULT'.length)).error ?? 'connect failed');
    for (const client of clients) client.send('go');

    const windowMs = ((scenario.mode === 'many' ? timing.manyDuration : timing.duration) + 5) * SECOND;
    await clients[0].next('MEASURE', windowMs);
    if (server.loop) echo.send('reset');
    bystander?.send('reset');
    const cpuStart = cpuSeconds(echo.pid);
    const timeStart = process.hrtime.bigint();
    await clients[0].next('END', windowMs);
    const cpuUsed = cpuSeconds(echo.pid) - cpuStart;
    const elapsed = Number(process.hrtime.bigint() - timeStart) / 1e9;
    const rss = rssMiB(echo.pid);
    if (server.loop) echo.send('stats');
    bystander?.send('stats');
    const loop = server.loop ? JSON.parse(await echo.next('STATS', 5 * SECOND)) : {};
    const floor = bystander ? JSON.parse(await bystander.next('STATS', 5 * SECOND)) : {};

    const results = [];
    for (const client of clients) results.push(JSON.parse(await client.next('RESULT', 30 * SECOND)));
    const failed = results.find((result) => result.error);
    if (failed) throw new Error(failed.error);
    return combine(results, connected, {
      cpuPercent: (cpuUsed / elapsed) * 100,
      rssMiB: rss,
      loopP50Ms: loop.loopP50Ms,
      loopP99Ms: loop.loopP99Ms,
      floorP99Ms: floor.loopP99Ms,
    });
  } finally {
    await Promise.all(clients.map((client) => client.stop()));
    await Promise.all([echo.stop(), bystander?.stop()]);
  }
}

/** Sums the clients' counts; latency quantiles are the worst client's (they are alike). */
function combine(results, connected, server) {
  const sum = (key) => results.reduce((total, result) => total + result[key], 0);
  const sent = sum('sent');
  return {
    pps: sum('pps'),
    mbPerS: sum('mbps'), // the client's `mbps` is payload megabytes per second
    p50Us: Math.max(...results.map((result) => result.rtt_p50_us ?? NaN)),
    p99Us: Math.max(...results.map((result) => result.rtt_p99_us ?? NaN)),
    sent,
    received: sum('received'),
    loss: sent > 0 ? sum('lost') / sent : 0,
    connectS: Math.max(...connected.map((line) => Number(line.split(' ')[2]))), // CONNECTED <n> <seconds>
    ...server,
  };
}

module.exports = { measure };
