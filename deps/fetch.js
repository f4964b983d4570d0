#!/usr/bin/env node
'use strict';
// Fetches the pinned upstream source tarballs from Debian's source archive, checks their
// sha256 and extracts them into deps/src/<name>. Needs no root: apt runs with a private
// configuration (its own lists and cache) and a deb-src entry derived from the mirror this
// machine already uses. Offline: set GODOT_ENET_DEPS_DIR to a folder holding the tarballs.
//
//   node deps/fetch.js                 fetch and extract every pinned package
//   node deps/fetch.js <name>          the same for one; prints its source folder
//   node deps/fetch.js --sources <name> <subdir> [exclude...]
//                                      prints that package's .c files under subdir (for gyp)
//
// stdout carries only what gyp reads; progress and errors go to stderr.

const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const HERE = __dirname;
const PINS = JSON.parse(fs.readFileSync(path.join(HERE, 'pins.json'), 'utf8'));
const CACHE = path.join(HERE, 'cache');
const SRC = path.join(HERE, 'src');
const APT_SOURCES = '/etc/apt/sources.list';
const APT_SOURCES_DIR = '/etc/apt/sources.list.d';
// Debian suites whose mirror also carries trixie's sources (security and backports live elsewhere).
const DEBIAN_SUITE = /^(oldoldstable|oldstable|stable|testing|unstable|sid|experimental|buster|bullseye|bookworm|trixie|forky|duke)(-updates)?$/;

function log(msg) {
  process.stderr.write(`godot-enet deps: ${msg}\n`);
}

class FetchError extends Error {}

function pinOf(name) {
  const pin = PINS.packages[name];
  if (!pin) throw new FetchError(`no pin named '${name}' in deps/pins.json`);
  return pin;
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function hasValidTarball(file, pin) {
  return fs.existsSync(file) && sha256(file) === pin.sha256;
}

function offlineHelp(pin) {
  return `download ${pin.tarball} (Debian source package ${pin.source} ${pin.version}, sha256 ${pin.sha256}) ` +
    'into a folder and set GODOT_ENET_DEPS_DIR to that folder';
}

// --- mirror discovery -----------------------------------------------------------------

function parseOneLineSources(text) {
  const entries = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^(deb|deb-src)\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (m) entries.push({ uris: [m[2]], suites: [m[3]] });
  }
  return entries;
}

function parseDeb822Sources(text) {
  const entries = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = {};
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue;
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (m) fields[m[1].toLowerCase()] = m[2].trim();
    }
    if (!fields.uris || !fields.suites || /^no$/i.test(fields.enabled || '')) continue;
    entries.push({ uris: fields.uris.split(/\s+/), suites: fields.suites.split(/\s+/) });
  }
  return entries;
}

function configuredMirror() {
  const entries = [];
  if (fs.existsSync(APT_SOURCES)) entries.push(...parseOneLineSources(fs.readFileSync(APT_SOURCES, 'utf8')));
  if (fs.existsSync(APT_SOURCES_DIR)) {
    for (const file of fs.readdirSync(APT_SOURCES_DIR).sort()) {
      const text = () => fs.readFileSync(path.join(APT_SOURCES_DIR, file), 'utf8');
      if (file.endsWith('.list')) entries.push(...parseOneLineSources(text()));
      else if (file.endsWith('.sources')) entries.push(...parseDeb822Sources(text()));
    }
  }
  for (const entry of entries) {
    if (entry.suites.some((s) => DEBIAN_SUITE.test(s))) {
      const uri = entry.uris.find((u) => /^https?:\/\//.test(u));
      if (uri) return uri.replace(/\/+$/, '');
    }
  }
  return null;
}

// --- download -------------------------------------------------------------------------

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function privateAptOptions(mirror) {
  const root = path.join(CACHE, 'apt');
  for (const dir of ['lists/partial', 'archives/partial', 'etc']) fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/sources.list'), `deb-src ${mirror} ${PINS.suite} main\n`);
  const status = path.join(root, 'etc/status');
  if (!fs.existsSync(status)) fs.writeFileSync(status, '');
  return [
    '-o', `Dir::Etc::SourceList=${path.join(root, 'etc/sources.list')}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${path.join(root, 'lists')}`,
    '-o', `Dir::Cache=${root}`,
    '-o', `Dir::State::status=${status}`,
    '-o', 'Debug::NoLocking=1',
    '-o', `APT::Sandbox::User=${os.userInfo().username}`,
    '-qq',
  ];
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: r.status === 0, output: `${r.stdout || ''}${r.stderr || ''}`.trim() };
}

function poolPath(source) {
  const prefix = source.startsWith('lib') ? source.slice(0, 4) : source[0];
  return `pool/main/${prefix}/${source}`;
}

// Downloads pin.tarball into CACHE. Only the .orig tarball matters: apt may fail on the
// .dsc or .debian files (the mirror sometimes 404s them), so its exit code is not trusted.
function download(pin) {
  if (!which('apt-get')) {
    throw new FetchError(`apt-get was not found, so the pinned sources cannot be fetched from Debian's archive. ` +
      `Install apt (Debian or Ubuntu), or ${offlineHelp(pin)}.`);
  }
  const mirror = configuredMirror();
  if (!mirror) {
    throw new FetchError(`no Debian mirror is configured in ${APT_SOURCES} or ${APT_SOURCES_DIR}; ` +
      `add one, or ${offlineHelp(pin)}.`);
  }
  const target = path.join(CACHE, pin.tarball);
  const opts = privateAptOptions(mirror);
  const work = fs.mkdtempSync(path.join(CACHE, 'dl-'));
  try {
    log(`fetching ${pin.source} ${pin.version} from ${PINS.suite} sources`);
    const update = run('apt-get', [...opts, 'update'], work);
    const source = run('apt-get', [...opts, 'source', '--download-only', `${pin.source}=${pin.version}`], work);
    const got = path.join(work, pin.tarball);
    if (fs.existsSync(got)) {
      fs.renameSync(got, target);
    } else {
      // The version left the index (superseded): take the same file straight from the pool.
      const url = `${mirror}/${poolPath(pin.source)}/${encodeURIComponent(pin.tarball)}`;
      const helper = run('/usr/lib/apt/apt-helper', ['download-file', url, target, `SHA256:${pin.sha256}`], work);
      if (!helper.ok) {
        throw new FetchError(`could not fetch ${pin.tarball}.\n` +
          `apt-get update: ${update.output || 'ok'}\napt-get source: ${source.output || 'ok'}\n` +
          `apt-helper: ${helper.output}\nCheck network access to the Debian archive, or ${offlineHelp(pin)}.`);
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function tarball(pin) {
  const offline = process.env.GODOT_ENET_DEPS_DIR;
  if (offline) {
    const file = path.join(offline, pin.tarball);
    if (!fs.existsSync(file)) throw new FetchError(`GODOT_ENET_DEPS_DIR=${offline} has no ${pin.tarball}`);
    if (sha256(file) !== pin.sha256) throw new FetchError(`${file} does not have the pinned sha256 ${pin.sha256}`);
    return file;
  }
  fs.mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, pin.tarball);
  if (!hasValidTarball(file, pin)) {
    fs.rmSync(file, { force: true });
    download(pin);
    if (!hasValidTarball(file, pin)) {
      const actual = fs.existsSync(file) ? sha256(file) : 'missing';
      fs.rmSync(file, { force: true });
      throw new FetchError(`${pin.tarball} failed its sha256 check (expected ${pin.sha256}, got ${actual})`);
    }
  }
  return file;
}

// --- extraction -----------------------------------------------------------------------

function ensure(name) {
  const pin = pinOf(name);
  const dir = path.join(SRC, name);
  const stamp = path.join(dir, '.godot-enet-pin');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === pin.sha256) return dir;

  const file = tarball(pin);
  fs.mkdirSync(SRC, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(SRC, `.${name}-`));
  try {
    const tar = run('tar', ['-xf', file, '-C', tmp], SRC);
    if (!tar.ok) throw new FetchError(`could not extract ${pin.tarball}: ${tar.output}`);
    const top = fs.readdirSync(tmp);
    if (top.length !== 1) throw new FetchError(`${pin.tarball} does not hold a single top folder`);
    fs.writeFileSync(path.join(tmp, top[0], '.godot-enet-pin'), `${pin.sha256}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(path.join(tmp, top[0]), dir);
    log(`${name} ${pin.version} ready in deps/src/${name}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

function listSources(name, subdir, excluded) {
  const dir = path.join(ensure(name), subdir);
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.c') && !excluded.includes(f))
    .sort()
    .map((f) => path.relative(HERE, path.join(dir, f)).split(path.sep).join('/'));
}

function main(argv) {
  if (argv[0] === '--sources') {
    const [, name, subdir, ...excluded] = argv;
    process.stdout.write(listSources(name, subdir || '.', excluded).join('\n') + '\n');
  } else if (argv.length > 0) {
    process.stdout.write(ensure(argv[0]) + '\n');
  } else {
    for (const name of Object.keys(PINS.packages)) ensure(name);
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof FetchError)) throw err;
    log(`error: ${err.message}`);
    process.exit(1);
  }
}

module.exports = { ensure, configuredMirror };
