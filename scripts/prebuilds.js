#!/usr/bin/env node
'use strict';
// Builds the prebuilt binaries that `npm pack` ships, all on this Debian x64 machine from the
// pinned sources, into prebuilds/<platform>-<arch>/, where node-gyp-build finds them at run time
// (one Node-API build serves every Node.js version the package supports):
//
//   linux-x64/godot-enet.glibc.node    g++ of Debian 11 (bullseye), in a bullseye root: glibc 2.31
//   linux-arm64/godot-enet.glibc.node  bullseye's g++-aarch64-linux-gnu, same root: glibc 2.31
//   win32-x64/godot-enet.node          mingw-w64 (scripts/cross-check.sh --out), libstdc++, libgcc
//                                      and winpthread linked in: it needs only Windows' own DLLs
//
//   node scripts/prebuilds.js [target...]   the targets named (default: all three)
//
// Every tool is installed when missing (scripts/toolchain.js; needs root). Binaries are stripped.
// Each prints the newest symbol versions it needs (its glibc floor). docs/portability.md.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { nodeFor, sysroot, inRoot, run, symbolFloor } = require('./toolchain.js');

const root = path.join(__dirname, '..');
const JOBS = '2';
const TARGETS = {
  'linux-x64': { file: 'godot-enet.glibc.node', build: (stage) => buildInRoot(stage, 'x64', {}, 'strip') },
  'linux-arm64': {
    file: 'godot-enet.glibc.node',
    build: (stage) => buildInRoot(stage, 'arm64',
      { CC: 'aarch64-linux-gnu-gcc', CXX: 'aarch64-linux-gnu-g++', LINK: 'aarch64-linux-gnu-g++' }, 'aarch64-linux-gnu-strip'),
  },
  'win32-x64': { file: 'godot-enet.node', build: buildWindows },
};

// The files a native build reads, with the fetched sources, copied so that the checkout's own
// build/ stays as it is.
function stageSources() {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'godot-enet-prebuild-'));
  for (const entry of ['binding.gyp', 'package.json', 'native', 'deps']) {
    fs.cpSync(path.join(root, entry), path.join(stage, entry), {
      recursive: true,
      filter: (source) => path.relative(root, source) !== path.join('deps', 'cache'),
    });
  }
  return stage;
}

function buildInRoot(stage, arch, env, strip) {
  const dir = sysroot();
  const command = `node node_modules/node-gyp/bin/node-gyp.js rebuild --jobs ${JOBS} --arch ${arch} --nodedir /opt/node` +
    ` && ${strip} --strip-all build/Release/godot_enet.node`;
  // The sources are staged already: fetch.js must not go looking for them.
  inRoot(dir, { build: stage, 'build/node_modules': path.join(root, 'node_modules') }, '/build', command,
    { ...env, GODOT_ENET_DEPS_DIR: '/nonexistent' });
  return path.join(stage, 'build', 'Release', 'godot_enet.node');
}

function buildWindows(stage) {
  const out = path.join(stage, 'godot_enet.node');
  run('bash', [path.join(__dirname, 'cross-check.sh'), '--out', out], {
    env: { ...process.env, npm_config_nodedir: nodeFor('linux-x64'), JOBS },
  });
  return out;
}

function main(names) {
  for (const name of names) if (!TARGETS[name]) throw new Error(`unknown target ${name} (known: ${Object.keys(TARGETS).join(', ')})`);
  run(process.execPath, [path.join(root, 'deps', 'fetch.js')]);
  for (const name of names) {
    const started = Date.now();
    const stage = stageSources();
    try {
      const binary = TARGETS[name].build(stage);
      const out = path.join(root, 'prebuilds', name, TARGETS[name].file);
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.copyFileSync(binary, out);
      const floor = name.startsWith('linux') ? ` needs ${Object.entries(symbolFloor(out)).map(([k, v]) => `${k}_${v}`).join(' ')};` : '';
      console.log(`${path.relative(root, out)}: ${fs.statSync(out).size} bytes;${floor} ${Math.round((Date.now() - started) / 1000)} s`);
    } finally {
      fs.rmSync(stage, { recursive: true, force: true });
    }
  }
}

try {
  const names = process.argv.slice(2);
  main(names.length > 0 ? names : Object.keys(TARGETS));
} catch (err) {
  console.error(`prebuilds: ${err.message}`);
  process.exit(1);
}
