'use strict';
// npm run bench [-- --runs N] [--duration S] [--only id,id|dtls] [--servers id,id] [--quick] [--pin]
// npm run bench -- --from bench/results/latest.json   (renders the reports again, runs nothing)
//
// Runs every scenario against every server, interleaved (run 1 of each, then run 2, ...) so
// that noise on this shared machine hits all of them alike, and reports medians and ratios to
// the native C ENet server measured in the same invocation.
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { buildNative } = require('./native/build');
const { SERVERS, SCENARIOS } = require('./scenarios');
const { split } = require('./lib/affinity');
const { measure } = require('./lib/measure');
const { measureCompression } = require('./lib/compression');
const { summarize, writeReports } = require('./lib/report');

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '3' },
    'many-duration': { type: 'string', default: '5' },
    only: { type: 'string' },
    servers: { type: 'string' },
    quick: { type: 'boolean', default: false },
    pin: { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(__dirname, 'results') },
    from: { type: 'string' },
  },
});

/** Items named in `list` by id or by group (`--only dtls`). */
const pick = (all, list) => (list ? all.filter((item) => list.split(',').some((name) => name === item.id || name === item.group)) : all);

/** A scenario's servers: its own (the DTLS pair) or the chosen ones, DTLS servers left out. */
const serversOf = (scenario, servers) => (scenario.servers
  ? SERVERS.filter((server) => scenario.servers.includes(server.id))
  : servers.filter((server) => !server.dtls));

function report(summary) {
  fs.mkdirSync(options.out, { recursive: true });
  const files = writeReports(summary, options.out);
  console.log(`\n${fs.readFileSync(files.markdown, 'utf8')}`);
  console.log(`written: ${Object.values(files).map((file) => path.relative(process.cwd(), file)).join(', ')}`);
}

/** The summary of an earlier run, recomputed from its samples. */
function rerender(file) {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  const ran = (list, key) => list.filter((item) => saved.samples.some((sample) => sample[key] === item.id));
  const summary = summarize(saved.samples, ran(SERVERS, 'server'), ran(SCENARIOS, 'scenario'), saved.settings);
  return { ...summary, machine: saved.machine };
}

async function main() {
  if (options.from) return report(rerender(options.from));
  const scenarios = pick(SCENARIOS, options.only);
  const binaries = scenarios.some((scenario) => scenario.mode !== 'compression') ? buildNative() : null;
  const runs = options.quick ? 1 : Number(options.runs);
  const timing = {
    duration: options.quick ? 1 : Number(options.duration),
    manyDuration: options.quick ? 2 : Number(options['many-duration']),
    pinning: options.pin ? split() : null,
  };
  if (options.pin && timing.pinning === null) console.warn('--pin: not Linux with two cores or more (taskset); nothing is pinned');
  const servers = pick(SERVERS, options.servers);
  if (!servers.some((server) => server.native)) servers.unshift(SERVERS.find((server) => server.native));
  const samples = [];
  for (let run = 0; run < runs; run++) {
    for (const scenario of scenarios) {
      if (scenario.mode === 'compression') {
        const modes = measureCompression();
        samples.push({ run, scenario: scenario.id, modes });
        const none = modes.COMPRESS_NONE.wireBytes;
        console.log(`run ${run + 1}/${runs}  ${scenario.id.padEnd(15)} ${Object.entries(modes)
          .map(([mode, m]) => `${mode.replace('COMPRESS_', '')} ${(m.wireBytes / none).toFixed(3)}`).join('  ')}`);
        continue;
      }
      // Rotate the order each run so no server always follows the same neighbour.
      const mine = serversOf(scenario, servers);
      const order = mine.map((_, i) => mine[(i + run) % mine.length]);
      for (const server of order) {
        if (scenario.noRaw && server.raw) continue;
        const started = Date.now();
        let sample;
        try {
          sample = await measure(binaries, server, scenario, timing);
        } catch (err) {
          sample = { error: err.message.split('\n')[0] };
        }
        samples.push({ run, scenario: scenario.id, server: server.id, ...sample });
        const brief = sample.error ? `ERROR ${sample.error}` : describe(scenario, sample);
        console.log(`run ${run + 1}/${runs}  ${scenario.id.padEnd(15)} ${server.id.padEnd(9)} ${brief}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    }
  }
  const ran = SERVERS.filter((server) => samples.some((sample) => sample.server === server.id));
  report(summarize(samples, ran, scenarios, { runs, ...timing }));
}

function describe(scenario, sample) {
  const base = `${Math.round(sample.pps)} pkt/s  p50 ${fmt(sample.p50Us)} µs  p99 ${fmt(sample.p99Us)} µs`;
  if (scenario.mode !== 'many') return `${base}  cpu ${sample.cpuPercent.toFixed(0)} %`;
  const loop = sample.loopP99Ms === undefined ? '' : `  loop p99 ${sample.loopP99Ms.toFixed(2)} ms`;
  const floor = sample.floorP99Ms === undefined ? '' : `  floor p99 ${sample.floorP99Ms.toFixed(2)} ms`;
  return `${base}  cpu ${sample.cpuPercent.toFixed(1)} %  rss ${sample.rssMiB.toFixed(0)} MiB  loss ${(sample.loss * 100).toFixed(2)} %${loop}${floor}`;
}

const fmt = (value) => (value === undefined || value < 0 ? '-' : value.toFixed(0));

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
