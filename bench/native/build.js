#!/usr/bin/env node
'use strict';
// Builds the benchmark's native side into bench/.build: echo_server (the stock ENet baseline)
// and load_client (the load generator), both with `cc -O2` against the fetched ENet 1.3.18
// sources and ENet's own unix.c, as the tests build their C echo peer: stock ENet, nothing of
// the addon. Rebuilds a binary only when one of its inputs is newer than it.
//
//   node bench/native/build.js        builds both, prints their paths
//   require('./build').buildNative()  the same, returns { echoServer, loadClient }

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '../..');
const ENET = path.join(ROOT, 'deps/src/enet');
const OUT = path.join(ROOT, 'bench/.build');

// What ENet's configure.ac (and CMakeLists.txt) detect on Linux: poll() rather than select(),
// so the build matches a distribution's libenet.
const DEFINES = ['HAS_POLL', 'HAS_FCNTL', 'HAS_GETADDRINFO', 'HAS_GETNAMEINFO', 'HAS_GETHOSTBYNAME_R',
  'HAS_GETHOSTBYADDR_R', 'HAS_INET_PTON', 'HAS_INET_NTOP', 'HAS_MSGHDR_FLAGS', 'HAS_SOCKLEN_T']
  .map((name) => `-D${name}=1`);

const TARGETS = {
  echoServer: { name: 'echo_server', sources: ['echo_server.c'] },
  loadClient: {
    name: 'load_client',
    sources: ['load.c', 'enet_load.c', 'raw_load.c', 'window.c', 'payload.c', 'latency.c'],
  },
};

class BuildError extends Error {}

function enetSources() {
  if (!fs.existsSync(path.join(ENET, 'include/enet/enet.h'))) {
    throw new BuildError(`${path.relative(ROOT, ENET)} is missing: run npm install first (it fetches ENet's sources)`);
  }
  return fs.readdirSync(ENET)
    .filter((file) => file.endsWith('.c') && file !== 'win32.c')
    .sort()
    .map((file) => path.join(ENET, file));
}

function headers(dir) {
  return fs.readdirSync(dir).filter((file) => file.endsWith('.h')).map((file) => path.join(dir, file));
}

function mtime(file) {
  return fs.statSync(file).mtimeMs;
}

function buildOne(target, enet) {
  const output = path.join(OUT, target.name);
  const sources = target.sources.map((file) => path.join(__dirname, file));
  // Headers count too: a changed struct in load.h must rebuild, and so must a changed build.js.
  const inputs = [...sources, ...enet, ...headers(__dirname), ...headers(path.join(ENET, 'include/enet')), __filename];
  if (fs.existsSync(output) && inputs.every((file) => mtime(file) <= mtime(output))) return output;

  fs.mkdirSync(OUT, { recursive: true });
  // Compiled beside the target and renamed, so a concurrent run never executes half a binary.
  const partial = `${output}.${process.pid}.tmp`;
  try {
    execFileSync('cc', ['-O2', ...DEFINES, '-I', path.join(ENET, 'include'), '-I', __dirname,
      '-o', partial, ...sources, ...enet], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new BuildError(`cc failed building ${target.name} (${error.message.split('\n')[0]})`);
  }
  fs.renameSync(partial, output);
  return output;
}

/** Builds what is stale and returns the binaries' paths. */
function buildNative() {
  const enet = enetSources();
  return {
    echoServer: buildOne(TARGETS.echoServer, enet),
    loadClient: buildOne(TARGETS.loadClient, enet),
  };
}

module.exports = { buildNative, BuildError };

if (require.main === module) {
  try {
    const built = buildNative();
    process.stdout.write(`${built.echoServer}\n${built.loadClient}\n`);
  } catch (error) {
    process.stderr.write(`bench/native/build.js: ${error.message}\n`);
    process.exit(1);
  }
}
