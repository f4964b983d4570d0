// One command for a full ENet mesh on this machine: starts a signaling server on 127.0.0.1 and
// N peer processes (peer.js) that find each other through it, link over ENet and greet each
// other; then stops them and prints whether every pair exchanged messages.
//   node examples/mesh/run.js [--peers 4]
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { SignalingServer } = require('godot-enet');

const { values } = parseArgs({ options: { peers: { type: 'string', default: '4' } } });
const count = Number(values.peers);
const TIMEOUT_MS = 20_000;

async function main() {
  const signaling = new SignalingServer({ host: '127.0.0.1' });
  const port = await signaling.listen();
  const url = `ws://127.0.0.1:${port}/example-mesh`;
  console.log(`signaling server on ${url}; starting ${count} peers`);

  const reports = [];
  // Stopped early (Ctrl+C, SIGTERM): take the peers started so far down too, leaving no process
  // behind. Set before the first peer starts, so no signal can come between.
  const peers = [];
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      for (const child of peers) child.kill('SIGTERM');
      process.exit(1);
    });
  }
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, [join(__dirname, 'peer.js'), url, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8').on('data', (text) => {
      for (const line of text.split('\n').filter(Boolean)) {
        const report = JSON.parse(line);
        reports.push(report);
        console.log(`peer ${report.id} heard: ${Object.values(report.heard).join('; ')}`);
      }
    });
    peers.push(child);
  }

  const deadline = Date.now() + TIMEOUT_MS;
  while (reports.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await Promise.all(peers.map((child) => new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  })));
  await signaling.close();

  const ids = reports.map((report) => report.id);
  const complete = reports.length === count && reports.every((report) =>
    ids.every((id) => id === report.id || report.heard[id] === `hello ${report.id} from ${id}`));
  console.log(complete ? `full mesh: all ${count * (count - 1) / 2} pairs of ${count} peers exchanged messages`
    : `incomplete mesh: ${reports.length} of ${count} peers heard from every other peer`);
  process.exitCode = complete ? 0 : 1;
}

main();
