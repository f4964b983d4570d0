#!/usr/bin/env node
'use strict';
// Fetches the pinned upstream source tarballs from Debian's source archive, checks their
// sha256 and extracts them into deps/src/<name>. Where from, first that applies:
// - GODOT_ENET_DEPS_DIR: a folder holding the tarballs (offline builds);
// - GODOT_ENET_DEBIAN_MIRROR (or npm config godot_enet_debian_mirror): a Debian mirror's URL,
//   the tarballs downloaded from its pool over HTTP(S) with no other tool (macOS, Windows, musl…);
// - apt, on Debian and Ubuntu: it needs no root, running with a private configuration (its own
//   lists and cache) and a deb-src entry derived from the mirror this machine already uses.
// When none works, the error lists the four files, their sha256 and the commands to retry.
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

function poolPath(source) {
  const prefix = source.startsWith('lib') ? source.slice(0, 4) : source[0];
  return `pool/main/${prefix}/${source}`;
}

/** Why the tarballs could not be had, what they are, where they come from and how to retry. */
function missingSourcesHelp(reason) {
  const pins = Object.values(PINS.packages);
  const width = Math.max(...pins.map((pin) => pin.tarball.length));
  return [
    `${reason}`,
    'godot-enet builds its native addon from four pinned source tarballs (no prebuilt binary matches',
    'this platform). They are the upstream sources as Debian ships them, in the pool of any Debian mirror:',
    ...pins.map((pin) => `  ${pin.tarball.padEnd(width)}  sha256 ${pin.sha256}\n` +
      `  ${''.padEnd(width)}  from <mirror>/${poolPath(pin.source)}/ (Debian source package ${pin.source} ${pin.version})`),
    'To retry, either name a Debian mirror to download them from (checked against the sha256 above):',
    '  GODOT_ENET_DEBIAN_MIRROR=<mirror> npm rebuild godot-enet',
    '  (or the line godot_enet_debian_mirror=<mirror> in an .npmrc), <mirror> being the URL of a Debian mirror (the folder holding pool/)',
    'or download the four files into a folder yourself and build offline from it:',
    '  GODOT_ENET_DEPS_DIR=/path/to/that/folder npm rebuild godot-enet',
  ].join('\n');
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

/** GODOT_ENET_DEBIAN_MIRROR, else npm's godot_enet_debian_mirror config (npm passes it as npm_config_…). */
function requestedMirror() {
  const mirror = process.env.GODOT_ENET_DEBIAN_MIRROR || process.env.npm_config_godot_enet_debian_mirror;
  return mirror ? mirror.replace(/\/+$/, '') : null;
}

// Downloads pin.tarball from the mirror's pool into `target`, with nothing but Node.
async function downloadFromMirror(mirror, pin, target) {
  const url = `${mirror}/${poolPath(pin.source)}/${encodeURIComponent(pin.tarball)}`;
  log(`downloading ${url}`);
  let body;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(300_000) });
    if (!response.ok) throw new FetchError(missingSourcesHelp(`${url} answered ${response.status} ${response.statusText}`));
    body = Buffer.from(await response.arrayBuffer());  // the timeout covers the body too
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError(missingSourcesHelp(`could not download ${url}: ${err.cause?.message || err.message}`));
  }
  fs.writeFileSync(target, body);
}

// Downloads pin.tarball into CACHE with apt. Only the .orig tarball matters: apt may fail on the
// .dsc or .debian files (the mirror sometimes 404s them), so its exit code is not trusted.
function downloadWithApt(pin, target) {
  if (!which('apt-get')) {
    throw new FetchError(missingSourcesHelp('apt-get was not found and no Debian mirror was named, so the pinned sources cannot be fetched.'));
  }
  const mirror = configuredMirror();
  if (!mirror) {
    throw new FetchError(missingSourcesHelp(`no Debian mirror is configured in ${APT_SOURCES} or ${APT_SOURCES_DIR}, and none was named.`));
  }
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
        throw new FetchError(missingSourcesHelp(`could not fetch ${pin.tarball}.\n` +
          `apt-get update: ${update.output || 'ok'}\napt-get source: ${source.output || 'ok'}\napt-helper: ${helper.output}`));
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function tarball(pin) {
  const offline = process.env.GODOT_ENET_DEPS_DIR;
  if (offline) {
    const file = path.join(offline, pin.tarball);
    if (!fs.existsSync(file)) throw new FetchError(missingSourcesHelp(`GODOT_ENET_DEPS_DIR=${offline} has no ${pin.tarball}.`));
    if (sha256(file) !== pin.sha256) throw new FetchError(`${file} does not have the pinned sha256 ${pin.sha256}`);
    return file;
  }
  fs.mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, pin.tarball);
  if (!hasValidTarball(file, pin)) {
    fs.rmSync(file, { force: true });
    const mirror = requestedMirror();
    if (mirror) await downloadFromMirror(mirror, pin, file);
    else downloadWithApt(pin, file);
    if (!hasValidTarball(file, pin)) {
      const actual = fs.existsSync(file) ? sha256(file) : 'missing';
      fs.rmSync(file, { force: true });
      throw new FetchError(`${pin.tarball} failed its sha256 check (expected ${pin.sha256}, got ${actual})`);
    }
  }
  return file;
}

// --- extraction -----------------------------------------------------------------------

async function ensure(name) {
  const pin = pinOf(name);
  const dir = path.join(SRC, name);
  const stamp = path.join(dir, '.godot-enet-pin');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === pin.sha256) return dir;

  const file = await tarball(pin);
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

async function listSources(name, subdir, excluded) {
  const dir = path.join(await ensure(name), subdir);
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.c') && !excluded.includes(f))
    .sort()
    .map((f) => path.relative(HERE, path.join(dir, f)).split(path.sep).join('/'));
}

async function main(argv) {
  if (argv[0] === '--sources') {
    const [, name, subdir, ...excluded] = argv;
    process.stdout.write((await listSources(name, subdir || '.', excluded)).join('\n') + '\n');
  } else if (argv.length > 0) {
    process.stdout.write(await ensure(argv[0]) + '\n');
  } else {
    for (const name of Object.keys(PINS.packages)) await ensure(name);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    if (!(err instanceof FetchError)) throw err;
    log(`error: ${err.message}`);
    process.exit(1);
  });
}

module.exports = { ensure, configuredMirror };
