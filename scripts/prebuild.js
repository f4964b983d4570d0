#!/usr/bin/env node
'use strict';
// Builds the prebuilt binary that `npm pack` ships for this platform:
// prebuilds/<platform>-<arch>/node.napi[.glibc|.musl].node, which node-gyp-build loads at run
// time so that users need no compiler. One Node-API build serves every Node.js version the
// package supports (NAPI_VERSION in binding.gyp), so it is built against the running Node's
// headers rather than a downloaded set.
//
//   node scripts/prebuild.js [--cwd DIR]   build in DIR (default: this checkout), output there too
//
// The pinned C sources are fetched as for any build (deps/fetch.js; GODOT_ENET_DEPS_DIR offline).
// See docs/portability.md for the other platforms of the matrix.
const path = require('node:path');
const fs = require('node:fs');
const { parseArgs } = require('node:util');
const prebuildify = require('prebuildify');

const { values } = parseArgs({ options: { cwd: { type: 'string', default: path.join(__dirname, '..') } } });
const cwd = path.resolve(values.cwd);
const libc = process.platform === 'linux';

// Node's own headers, when this Node ships them (official builds and distro packages do), so
// node-gyp does not try to download them.
const headers = path.join(path.dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(headers, 'include', 'node', 'node_api.h'))) {
  process.env.npm_config_nodedir = headers;
}

prebuildify({
  cwd,
  napi: true,
  strip: true,
  // glibc and musl builds of linux-x64 must not be mistaken for each other.
  tagLibc: libc,
  targets: [{ runtime: 'node', target: process.versions.node }],
}, (err) => {
  if (err) {
    console.error(`prebuild failed: ${err.message}`);
    process.exit(1);
  }
  console.log(`prebuild written under ${path.join(cwd, 'prebuilds')}`);
});
