// The package as users get it: packed with its prebuilt binary (the release steps, on a staged
// copy of this checkout), then installed into fresh projects. With the prebuild, nothing is
// compiled and nothing is fetched: those projects see only `node` and `sh`, and the C sources
// are made unreachable. Without a matching prebuild, install builds from source.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsCache, expectedVersions, freshProject as projectIn, npmCli, ok, pack, Result, root, run, stageCheckout } from '../release';

const { symbolFloor } = createRequire(__filename)('../../scripts/toolchain.js');
const { configuredMirror } = createRequire(__filename)('../../deps/fetch.js');
const pins = JSON.parse(readFileSync(join(root, 'deps', 'pins.json'), 'utf8'));
const here = __dirname;
const work = mkdtempSync(join(tmpdir(), 'godot-enet-pack-'));

/** A machine with no compiler, no python and no apt: PATH holds only `node` and `sh`. */
const bareBin = join(work, 'bare-bin');
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    HOME: process.env.HOME, TMPDIR: tmpdir(), PATH: bareBin,
    GODOT_ENET_DEPS_DIR: join(work, 'no-such-folder'),
    npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false',
    ...extra,
  };
}

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout = 120_000): Promise<Result> {
  return run(process.execPath, [npmCli, ...args], { cwd, env, timeout });
}

function freshProject(name: string): string {
  return projectIn(work, name, ['consumer.cjs', 'consumer.mjs', 'consumer.mts', 'consumer.cts'].map((file) => join(here, file)));
}

async function runConsumer(dir: string, file: string, env: NodeJS.ProcessEnv): Promise<any> {
  const out = (await ok(run(process.execPath, [file], { cwd: dir, env, timeout: 30_000 }), file)).stdout.trim().split('\n');
  return JSON.parse(out[out.length - 1]);
}

let tarball: string;
let files: string[];

beforeAll(async () => {
  mkdirSync(bareBin);
  symlinkSync(process.execPath, join(bareBin, 'node'));
  symlinkSync('/bin/sh', join(bareBin, 'sh'));

  // The release steps, on a copy of the checkout (its build/ and the running suite stay untouched):
  // the linux-x64 prebuild as it ships (scripts/prebuilds.js: built in a Debian 11 root).
  const stage = join(work, 'stage');
  await stageCheckout(stage);
  const buildEnv = { ...process.env, GODOT_ENET_DEPS_DIR: depsCache };
  await ok(run(process.execPath, ['scripts/prebuilds.js', 'linux-x64'], { cwd: stage, env: buildEnv, timeout: 900_000 }), 'prebuild');
  ({ tarball, files } = await pack(stage, work, buildEnv));
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  it('ships the prebuilt binary, the compiled API with its types, the sources to build from, and the notices', async () => {
    for (const file of ['prebuilds/linux-x64/godot-enet.glibc.node', 'dist/index.js', 'dist/index.mjs', 'dist/index.d.ts',
      'dist/index.d.mts', 'bin/godot-enet.js', 'binding.gyp', 'native/platform/socket.c', 'deps/fetch.js',
      'deps/pins.json', 'deps/enet.gyp', 'deps/mbedtls_user_config.h', 'README.md', 'LICENSE', 'CHANGELOG.md',
      'THIRD_PARTY_NOTICES.md']) {
      expect(files, file).toContain(file);
    }
  });

  it('needs no newer glibc than the README promises for the linux-x64 prebuild', async () => {
    const binary = join(work, 'stage', 'prebuilds', 'linux-x64', 'godot-enet.glibc.node');
    const newest = symbolFloor(binary).GLIBC;
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`glibc ${newest} or later`);
  });

  it('leaves out tests, benchmarks, fuzzing, scripts, fetched sources and build output', async () => {
    const unwanted = files.filter((file) =>
      /^(test|bench|fuzz|scripts|examples|build|node_modules|deps\/(src|cache))\//.test(file) || file.startsWith('.'));
    expect(unwanted).toEqual([]);
  });

  it('carries the license text of every library compiled in, from the exact sources, in THIRD_PARTY_NOTICES.md', () => {
    const stage = join(work, 'stage');
    const notices = readFileSync(join(stage, 'THIRD_PARTY_NOTICES.md'), 'utf8');
    for (const [name, license, file] of [
      ['enet', 'MIT', 'deps/src/enet/LICENSE'], ['mbedtls', 'Apache-2.0', 'deps/src/mbedtls/LICENSE'],
      ['zlib', 'Zlib', 'deps/src/zlib/LICENSE'], ['zstd', 'BSD-3-Clause', 'deps/src/zstd/LICENSE'],
      ['node-addon-api', 'MIT', 'node_modules/node-addon-api/LICENSE.md']]) {
      expect(notices).toContain(`## ${name} (${license})`);
      expect(notices).toContain(readFileSync(join(stage, file), 'utf8').trimEnd());
    }
  });
});

describe('installed where nothing can be compiled or fetched', () => {
  let app: string;

  beforeAll(async () => {
    app = freshProject('bare-app');
    await ok(npm(['install', tarball, '--prefer-offline'], app, bareEnv()), 'npm install');
  }, 180_000);

  it('installs without building: the prebuilt binary is what loads', async () => {
    expect(existsSync(join(app, 'node_modules/godot-enet/build'))).toBe(false);
    const seen = await runConsumer(app, 'consumer.cjs', bareEnv());
    expect(seen.binary).toBe(join('prebuilds', 'linux-x64', 'godot-enet.glibc.node'));
  });

  it('runs a plain and a DTLS round trip through require()', async () => {
    const seen = await runConsumer(app, 'consumer.cjs', bareEnv());
    expect(seen.versions).toEqual(expectedVersions());
    expect(seen.plain).toEqual({ echoed: 'hello', cipherSuite: null });
    expect(seen.dtls.echoed).toBe('hello');
    expect(seen.dtls.cipherSuite).toMatch(/^TLS-/);
  });

  it('loads through import, sharing one module with require()', async () => {
    const seen = await runConsumer(app, 'consumer.mjs', bareEnv());
    expect(seen).toMatchObject({ sameModule: true, enet: '1.3.18', errOk: 0 });
    expect(seen.port).toBeGreaterThan(0);
  });

  it('gives TypeScript the right types for ESM and CommonJS consumers', async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--target', 'es2022', '--typeRoots', join(root, 'node_modules', '@types'), '--types', 'node', 'consumer.mts', 'consumer.cts'],
    { cwd: app, env: bareEnv(), timeout: 60_000 });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs the godot-enet command', async () => {
    const result = await ok(run(join(app, 'node_modules', '.bin', 'godot-enet'), ['--help'], { cwd: app, env: bareEnv(), timeout: 30_000 }),
      'godot-enet --help');
    expect(result.stdout).toMatch(/serve/);
  });

  it('loads the same prebuild when install scripts are not run (npm --ignore-scripts, or unapproved ones)', async () => {
    const locked = freshProject('locked-app');
    await ok(npm(['install', tarball, '--prefer-offline', '--ignore-scripts'], locked, bareEnv()), 'npm install --ignore-scripts');
    const seen = await runConsumer(locked, 'consumer.cjs', bareEnv());
    expect(seen.binary).toBe(join('prebuilds', 'linux-x64', 'godot-enet.glibc.node'));
    expect(seen.dtls.echoed).toBe('hello');
  });

  it('tries a source build when no prebuild matches, and says why it cannot', async () => {
    // musl is not what was prebuilt: node-gyp-build's install step falls back to node-gyp.
    const result = await npm(['rebuild', 'godot-enet'], app, bareEnv({ LIBC: 'musl' }));
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/Could not find any Python/);
  });

  it('tells users at load time how to get a binary when there is none', async () => {
    const result = await run(process.execPath, ['consumer.cjs'], { cwd: app, env: bareEnv({ LIBC: 'musl' }), timeout: 30_000 });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/could not load its native addon on linux-x64: No native build was found/);
    expect(result.stderr).toMatch(/npm rebuild godot-enet/);
  });
});

describe('installed where no prebuild matches, with a toolchain but no apt', () => {
  /** A machine with every tool of this one but apt (macOS, Alpine, …): PATH links all of /usr/bin and /bin but apt*. */
  const noAptBin = join(work, 'no-apt-bin');
  function noAptEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: noAptBin, LIBC: 'musl', JOBS: '2', ...extra };
    for (const name of ['GODOT_ENET_DEPS_DIR', 'GODOT_ENET_DEBIAN_MIRROR', 'npm_config_godot_enet_debian_mirror']) {
      if (!(name in extra)) delete env[name];
    }
    return env;
  }

  beforeAll(() => {
    mkdirSync(noAptBin);
    for (const dir of ['/usr/bin', '/bin']) {
      for (const tool of readdirSync(dir)) {
        if (!tool.startsWith('apt') && !existsSync(join(noAptBin, tool))) symlinkSync(join(dir, tool), join(noAptBin, tool));
      }
    }
  });

  it('fails with the four tarballs, their sha256, where they come from and the commands to retry', async () => {
    const app = freshProject('no-apt-app');
    const result = await npm(['install', tarball, '--prefer-offline'], app, noAptEnv(), 300_000);
    expect(result.status).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/apt-get was not found and no Debian mirror was named/);
    for (const pin of Object.values(pins.packages) as { tarball: string; sha256: string; source: string }[]) {
      expect(output).toContain(`${pin.tarball}`);
      expect(output).toContain(`sha256 ${pin.sha256}`);
      expect(output).toContain(`<mirror>/pool/main/${pin.source.slice(0, pin.source.startsWith('lib') ? 4 : 1)}/${pin.source}/`);
    }
    expect(output).toContain('GODOT_ENET_DEBIAN_MIRROR=<mirror> npm rebuild godot-enet');
    expect(output).toContain('GODOT_ENET_DEPS_DIR=/path/to/that/folder npm rebuild godot-enet');
  }, 400_000);

  it('builds from source on install with the sources downloaded from GODOT_ENET_DEBIAN_MIRROR, and runs', async () => {
    // This machine's Debian mirror, as apt is configured with it, over HTTPS.
    const mirror = configuredMirror().replace(/^http:/, 'https:');
    const app = freshProject('source-app');
    const env = noAptEnv({ GODOT_ENET_DEBIAN_MIRROR: mirror });
    await ok(npm(['install', tarball, '--prefer-offline'], app, env, 600_000), 'npm install (source build)');
    // Downloaded (no apt, no GODOT_ENET_DEPS_DIR) into the installed package's own cache.
    for (const pin of Object.values(pins.packages) as { tarball: string }[]) {
      expect(existsSync(join(app, 'node_modules/godot-enet/deps/cache', pin.tarball)), pin.tarball).toBe(true);
    }
    expect(existsSync(join(app, 'node_modules/godot-enet/build/Release/godot_enet.node'))).toBe(true);
    const seen = await runConsumer(app, 'consumer.cjs', env);
    expect(seen.binary).toBe(join('build', 'Release', 'godot_enet.node'));
    expect(seen.dtls.echoed).toBe('hello');
  }, 900_000);
});
