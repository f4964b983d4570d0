'use strict';
// CPU time and resident memory of another process, from /proc (Linux), so every server is
// measured the same way whatever it is written in.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

let ticksPerSecond;

/** User + system CPU seconds the process has used so far. */
function cpuSeconds(pid) {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces; fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime, stime
}

/** Resident set size in MiB. */
function rssMiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

module.exports = { cpuSeconds, rssMiB };
