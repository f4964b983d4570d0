#!/usr/bin/env node
'use strict';
// npm run bench:ciphers: what one DTLS record costs to seal and open in the addon's own mbedTLS,
// per AEAD (the cipher suites a DTLS server can pick) and record size. Builds bench/native/aead.c
// against build/Release/mbedtls.a (so `npm install` first) and the system's libcrypto, which
// stands in for Node's OpenSSL (ChaCha20-Poly1305 goes to the host's OpenSSL in the addon), runs
// it with and without that, prints a table and writes it to bench/results/ciphers.md.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const LIBRARY = path.join(ROOT, 'build/Release/mbedtls.a');
const OUTPUT = path.join(ROOT, 'bench/.build/aead');
const SIZES = [64, 128, 256, 1024, 1400];

function build() {
  if (!fs.existsSync(LIBRARY)) throw new Error(`${path.relative(ROOT, LIBRARY)} is missing: run npm install first`);
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  execFileSync('cc', ['-O2', '-I', path.join(ROOT, 'deps/src/mbedtls/include'), '-I', path.join(ROOT, 'deps'),
    '-I', path.join(ROOT, 'native/crypto'), '-DMBEDTLS_USER_CONFIG_FILE="mbedtls_user_config.h"',
    '-o', OUTPUT, path.join(__dirname, 'native/aead.c'), LIBRARY, '-lpthread', '-ldl',
    ...(hasLibcrypto() ? ['-Wl,--no-as-needed', '-l:libcrypto.so.3'] : [])], { stdio: 'inherit' });
}

function hasLibcrypto() {
  try {
    return execFileSync('ldconfig', ['-p'], { encoding: 'utf8' }).includes('libcrypto.so.3 ');
  } catch {
    return false;
  }
}

function main() {
  build();
  const run = (env) => execFileSync(OUTPUT, SIZES.map(String), { encoding: 'utf8', env: { ...process.env, ...env } });
  const lines = [run({ GODOT_ENET_HOST_OPENSSL: '0' }), run({})].join('').trim().split('\n');
  const cost = new Map();  // name -> size -> µs
  for (const line of lines) {
    const [name, size, micros] = line.split('\t');
    if (!cost.has(name)) cost.set(name, new Map());
    cost.get(name).set(Number(size), Number(micros));
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const table = [
    `Machine: ${cpu} × ${os.cpus().length}, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
    'Seal + open of one record, µs, best of 5 rounds of 100,000 (command: `npm run bench:ciphers`).',
    '',
    `| AEAD | ${SIZES.map((size) => `${size} B`).join(' | ')} |`,
    `|---|${SIZES.map(() => '---:').join('|')}|`,
    ...[...cost].map(([name, bySize]) => `| ${name} | ${SIZES.map((size) => bySize.get(size).toFixed(2)).join(' | ')} |`),
    '',
    'The OpenSSL rows are the system\'s libcrypto standing in for Node\'s. Each record is one of a',
    'session\'s, as mbedTLS hands it over, so OpenSSL takes it in its one-call TLS record mode',
    '(native/crypto/host_aead.c); other ChaCha20-Poly1305 calls under 128 B stay in mbedTLS\'s C',
    '(native/crypto/chachapoly_alt.c), where OpenSSL\'s general calls cost more than that cipher.',
  ].join('\n') + '\n';
  process.stdout.write(table);
  fs.writeFileSync(path.join(ROOT, 'bench/results/ciphers.md'), table);
}

main();
