'use strict';
// `npm run bench -- --pin`: the many-peers scenarios' server under test on a core of its own, the
// load clients on the others, as if they were on other machines. On a small machine the load
// clients take about a core at 4000 peers and, sharing the server's cores, preempt it: its
// event-loop delay then measures the scheduler as much as the server (the bystander's floor,
// bench/servers/bystander.js). Pinned, a 2-core machine gives the server one core, which 4000
// peers at 20 Hz fill: its CPU share then says little. So it is an option. Linux only (taskset,
// from util-linux) and two cores or more.
const { spawnSync } = require('node:child_process');

/** The CPU lists for the server and the clients, or null when they cannot be kept apart. */
function split() {
  if (process.platform !== 'linux') return null;
  const allowed = spawnSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
  if (allowed.status !== 0) return null;
  const cpus = parseList(allowed.stdout.slice(allowed.stdout.lastIndexOf(':') + 1).trim());
  if (cpus.length < 2) return null;
  return { server: String(cpus[0]), clients: cpus.slice(1).join(',') };
}

/** "0-2,5" -> [0, 1, 2, 5] */
function parseList(list) {
  return list.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

/** `command args` run on `cpus` (null: anywhere), as [command, args]. */
function onCpus(cpus, command, args) {
  return cpus === null ? [command, args] : ['taskset', ['-c', cpus, command, ...args]];
}

module.exports = { split, onCpus };
