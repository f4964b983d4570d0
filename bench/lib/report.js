'use strict';
// Medians, ratios to the native baseline (or to a scenario's own, as plain ENet for the DTLS
// cells), and the three outputs: JSON, Markdown and an SVG chart.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { versions } = require('../../dist/index.js');
const { escapeXml: escape, svgDocument } = require('../../dist/svg.js');
const { MODES, DESCRIPTION } = require('./compression');

const METRICS = ['pps', 'mbPerS', 'p50Us', 'p99Us', 'loss', 'cpuPercent', 'rssMiB', 'loopP50Ms', 'loopP99Ms', 'floorP99Ms', 'connectS'];

function median(values) {
  const sorted = values.filter((value) => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    enet: versions.enet,
    date: new Date().toISOString(),
  };
}

/** Medians per compression mode, and each mode's wire bytes as a ratio to NONE's. */
function summarizeCompression(samples) {
  const modes = {};
  for (const mode of MODES) {
    const runs = samples.map((sample) => sample.modes[mode]);
    modes[mode] = Object.fromEntries(Object.keys(runs[0]).map((metric) => [metric, median(runs.map((run) => run[metric]))]));
    modes[mode].wireRatio = median(samples.map((sample) => sample.modes[mode].wireBytes / sample.modes.COMPRESS_NONE.wireBytes));
  }
  return modes;
}

function summarize(samples, servers, scenarios, settings) {
  const results = scenarios.map((scenario) => {
    if (scenario.mode === 'compression') {
      return { ...scenario, rows: {}, modes: summarizeCompression(samples.filter((s) => s.scenario === scenario.id)) };
    }
    const rows = {};
    for (const server of servers) {
      const mine = samples.filter((s) => s.scenario === scenario.id && s.server === server.id);
      if (mine.length === 0) continue;
      const ok = mine.filter((s) => !s.error);
      const row = { runs: ok.length, errors: mine.filter((s) => s.error).map((s) => s.error) };
      for (const metric of METRICS) row[metric] = median(ok.map((s) => s[metric]));
      rows[server.id] = row;
    }
    const base = rows[scenario.baseline ?? 'native'];
    for (const [id, row] of Object.entries(rows)) {
      if (!base) break;
      // Against a scenario's own baseline, each run is paired with the baseline's run of the same
      // round (measured next to it), and the median of those ratios is taken: on a shared
      // machine that cancels the load that comes and goes between rounds.
      row.ppsRatio = scenario.baseline ? pairedRatio(samples, scenario, id) : ratio(row.pps, base.pps);
      row.cpuRatio = ratio(row.cpuPercent, base.cpuPercent);
      row.p50DeltaUs = row.p50Us !== undefined && base.p50Us !== undefined ? row.p50Us - base.p50Us : undefined;
      row.p99DeltaUs = row.p99Us !== undefined && base.p99Us !== undefined ? row.p99Us - base.p99Us : undefined;
    }
    return { ...scenario, rows };
  });
  const described = servers.map(({ id, label, native, dtls }) => ({ id, label, native: Boolean(native), dtls: Boolean(dtls) }));
  return { machine: machine(), settings, servers: described, results, samples };
}

const ratio = (value, base) => (value !== undefined && base ? value / base : undefined);

function pairedRatio(samples, scenario, server) {
  const of = (id, run) => samples.find((s) => s.scenario === scenario.id && s.server === id && s.run === run && !s.error);
  const runs = [...new Set(samples.map((s) => s.run))];
  return median(runs.map((run) => ratio(of(server, run)?.pps, of(scenario.baseline, run)?.pps)));
}

const num = (value, digits = 0) => (value === undefined ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const times = (value) => (value === undefined ? '' : ` (${value >= 10 ? num(value, 0) : value >= 0.1 ? num(value, 2) : num(value, 3)}×)`);

function cell(row, render) {
  if (!row) return 'n/a';
  if (row.runs === 0) return `failed: ${row.errors[0]}`;
  return render(row);
}

/** The DTLS cells: each DTLS server against its plain baseline, both driven by the addon's client. */
function dtlsTable(results, servers) {
  const lines = ['**DTLS** (addon client and server on both ends, the same code but for `dtls*Setup`; median of per-round ratios to plain ENet in parentheses)\n'];
  let table = '| scenario | plain pkt/s | DTLS pkt/s | plain RTT p50 / p99 µs | DTLS RTT p50 / p99 µs | server CPU % plain / DTLS | connect s plain / DTLS |\n|---|---:|---:|---:|---:|---:|---:|\n';
  for (const result of results) {
    const plain = result.rows[result.baseline];
    for (const server of servers.filter((s) => s.id !== result.baseline && result.rows[s.id])) {
      const failed = [plain, result.rows[server.id]].find((row) => !row || row.runs === 0);
      if (failed) {
        table += `| ${result.title} | failed: ${failed.errors?.[0] ?? 'not run'} ||||||\n`;
        continue;
      }
      const both = (render) => `${render(plain)} / ${render(result.rows[server.id])}`;
      table += `| ${result.title} | ${cell(plain, (row) => num(row.pps))} | ${cell(result.rows[server.id], (row) => `${num(row.pps)}${times(row.ppsRatio)}`)} `
        + `| ${cell(plain, (row) => `${num(row.p50Us)} / ${num(row.p99Us)}`)} | ${cell(result.rows[server.id], (row) => `${num(row.p50Us)} / ${num(row.p99Us)}`)} `
        + `| ${both((row) => num(row.cpuPercent))} | ${both((row) => num(row.connectS, 3))} |\n`;
    }
  }
  lines.push(table);
  return lines;
}

/** How the many-peers runs placed their processes (bench/lib/affinity.js). */
function pinningNote(pinning) {
  if (!pinning) return 'Many peers: server and load clients on any core (`--pin` keeps them apart).';
  return `Many peers: server on CPU ${pinning.server}, load clients on CPU ${pinning.clients} (\`--pin\`, taskset).`;
}

function markdown(summary) {
  const { machine: m, settings, results: all } = summary;
  const results = all.filter((r) => !r.baseline);
  const servers = summary.servers.filter((s) => !s.dtls && results.some((r) => r.rows[s.id]));
  const head = (first) => `| ${first} | ${servers.map((s) => s.label).join(' | ')} |\n|---|${servers.map(() => '---:').join('|')}|\n`;
  const lines = [];
  lines.push(`Machine: ${m.cpu}, ${m.os}, Node ${m.node}, ENet ${m.enet}; ${m.date.slice(0, 10)}.`);
  const paired = all.filter((r) => r.baseline);
  const compression = results.filter((r) => r.mode === 'compression');
  const echo = results.filter((r) => r.mode === 'pingpong' || r.mode === 'stream');
  if (results.length > compression.length) {
    lines.push(`Medians of ${settings.runs} run(s) of ${settings.duration} s (many-peers runs: ${settings.manyDuration} s) per cell; ratio to native C ENet from the same invocation in parentheses. Command: \`npm run bench\`.`);
    if (results.some((r) => r.mode === 'many')) lines.push(pinningNote(settings.pinning));
  } else if (paired.length > 0) {
    lines.push(`Medians of ${settings.runs} run(s) of ${settings.duration} s per cell. Command: \`npm run bench -- --only dtls\`.`);
  } else {
    lines.push(`Medians of ${settings.runs} run(s). Command: \`npm run bench -- --only compression\`.`);
  }
  lines.push('');
  if (paired.length > 0) lines.push(...dtlsTable(paired, summary.servers));
  let table;
  if (echo.length > 0) {
    lines.push('**Throughput** (echoed packets/s; ping-pong: round trips/s)\n');
    table = head('scenario');
    for (const result of echo) {
      table += `| ${result.title} | ${servers.map((s) => cell(result.rows[s.id], (row) => `${num(row.pps)}${times(row.ppsRatio)}`)).join(' | ')} |\n`;
    }
    lines.push(table);
    lines.push('**Latency** (round trip p50 / p99, µs)\n');
    table = head('scenario');
    for (const result of echo) {
      table += `| ${result.title} | ${servers.map((s) => cell(result.rows[s.id], (row) => `${num(row.p50Us)} / ${num(row.p99Us)}`)).join(' | ')} |\n`;
    }
    lines.push(table);
  }
  const many = results.filter((r) => r.mode === 'many');
  if (many.length > 0) {
    lines.push('**Many peers** (server CPU % of one core (ratio to native), RSS, event-loop delay p50/p99, the floor: a do-nothing Node process\'s loop delay p99 next to it, loss)\n');
    table = head('scenario');
    for (const result of many) {
      table += `| ${result.title} | ${servers.map((s) => cell(result.rows[s.id], (row) => {
        const loop = row.loopP99Ms === undefined ? '' : `, loop ${num(row.loopP50Ms, 1)}/${num(row.loopP99Ms, 1)} ms`;
        const floor = row.floorP99Ms === undefined ? '' : `, floor ${num(row.floorP99Ms, 1)} ms`;
        return `${num(row.cpuPercent, 1)} %${times(row.cpuRatio)}, ${num(row.rssMiB)} MiB${loop}${floor}, loss ${num(row.loss * 100, 2)} %`;
      })).join(' | ')} |\n`;
    }
    lines.push(table);
  }
  for (const result of compression) {
    lines.push(`**Compression** (${DESCRIPTION}; bytes sent by ENet, UDP/IP headers not counted)\n`);
    table = '| mode | payload bytes | bytes on the wire | ratio to NONE | datagrams | delivered | send CPU per tick |\n|---|---:|---:|---:|---:|---:|---:|\n';
    for (const [mode, m] of Object.entries(result.modes)) {
      table += `| ${mode.replace('COMPRESS_', '')} | ${num(m.payloadBytes)} | ${num(m.wireBytes)} | ${num(m.wireRatio, 3)} | ${num(m.datagrams)} | ${num(m.delivered * 100, 1)} % | ${num(m.sendCpuUsPerTick)} µs |\n`;
    }
    lines.push(table);
  }
  return `${lines.join('\n')}\n`;
}

/** Bars of each server's ratio to native per scenario, on a log scale from 1/1000× to 10×. */
function svg(summary) {
  const others = summary.servers.filter((s) => !s.native);
  const colors = ['#2b6cb0', '#68a0d8', '#999999', '#d9822b', '#6b46c1'];
  const rows = summary.results.filter((result) => result.mode !== 'compression').map((result) => ({
    title: result.mode === 'many' ? `${result.title} (CPU ratio, lower is better)`
      : result.baseline ? `DTLS: ${result.title} (packets/s ratio to plain ENet)` : `${result.title} (packets/s ratio)`,
    bars: others.filter((s) => result.rows[s.id] && s.id !== result.baseline).map((s) => {
      const row = result.rows[s.id];
      const value = result.mode === 'many' ? row.cpuRatio : row.ppsRatio;
      return { label: s.label, value, color: colors[others.indexOf(s) % colors.length] };
    }),
  }));
  const left = 330, width = 480, barHeight = 14, gap = 26;
  const scale = (value) => ((Math.log10(Math.max(value, 1e-3)) + 3) / 4) * width;
  let y = 40;
  const parts = [];
  for (const row of rows) {
    parts.push(`<text x="10" y="${y + 10}" font-weight="bold">${escape(row.title)}</text>`);
    y += 16;
    for (const bar of row.bars) {
      const w = bar.value === undefined ? 0 : scale(bar.value);
      parts.push(`<text x="20" y="${y + 11}">${escape(bar.label)}</text>`);
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight - 2}" fill="${bar.color}"/>`);
      parts.push(`<text x="${left + w + 4}" y="${y + 11}">${bar.value === undefined ? 'failed' : `${bar.value.toFixed(bar.value < 0.1 ? 3 : 2)}×`}</text>`);
      y += barHeight;
    }
    y += gap - barHeight;
  }
  const height = y + 20;
  const ticks = [0.001, 0.01, 0.1, 1, 10].map((t) => {
    const x = left + scale(t);
    return `<line x1="${x}" y1="30" x2="${x}" y2="${height - 20}" stroke="#ddd"/><text x="${x}" y="${height - 6}" text-anchor="middle">${t}×</text>`;
  });
  return svgDocument(left + width + 80, height,
    'godot-enet benchmark: ratio to native C ENet 1.3.18, DTLS to plain ENet (same run, log scale)', [
      ...ticks,
      `<line x1="${left + scale(1)}" y1="30" x2="${left + scale(1)}" y2="${height - 20}" stroke="#333"/>`,
      ...parts,
    ]);
}

function writeReports(summary, directory) {
  const files = {
    json: path.join(directory, 'latest.json'),
    markdown: path.join(directory, 'latest.md'),
  };
  fs.writeFileSync(files.json, `${JSON.stringify(summary, null, 2)}\n`);
  fs.writeFileSync(files.markdown, markdown(summary));
  // The chart shows ratios to native C ENet, which the compression scenario has none of.
  if (summary.results.some((result) => result.mode !== 'compression')) {
    files.svg = path.join(directory, 'latest.svg');
    fs.writeFileSync(files.svg, svg(summary));
  }
  return files;
}

module.exports = { summarize, writeReports };
