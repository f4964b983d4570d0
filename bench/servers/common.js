'use strict';
// What every Node echo server of the benchmark shares: it announces its port, answers the
// harness on stdin ("reset" starts a measured window, "stats" reports it) and exits when the
// harness closes stdin, so a server never outlives its run.
const { monitorEventLoopDelay } = require('node:perf_hooks');
const readline = require('node:readline');

/** Whether the server was asked to use ENet's range coder. */
const range = process.argv.includes('--range');
/** Whether the server was asked to be a DTLS server (an EC P-256 key and self-signed certificate). */
const dtls = process.argv.includes('--dtls');

/** Makes a bound addon host a DTLS server when --dtls was given. */
function maybeDtls(host) {
  if (!dtls) return;
  const { Crypto, CryptoKey, TLSOptions } = require('../../dist/index.js');
  const key = CryptoKey.generateEc();
  host.dtlsServerSetup(TLSOptions.server(key, Crypto.generateSelfSignedCertificate(key, 'CN=bench.invalid')));
}

function serve(port, close) {
  // 1 ms resolution: the targets are about milliseconds of delay, the default (10 ms) hides them.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line === 'reset') delay.reset();
    if (line === 'stats') {
      const stats = {
        loopP50Ms: delay.percentile(50) / 1e6,
        loopP99Ms: delay.percentile(99) / 1e6,
        loopMaxMs: delay.max / 1e6,
      };
      process.stdout.write(`STATS ${JSON.stringify(stats)}\n`);
    }
  });
  lines.on('close', () => {
    close();
    process.exit(0);
  });
  process.stdout.write(`PORT ${port}\n`);
}

module.exports = { range, maybeDtls, serve };
