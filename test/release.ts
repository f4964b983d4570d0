// The release steps as the packed-package tests take them (test/pack/, test/platforms/): a
// staged copy of this checkout, its prebuilds, `npm pack`, and fresh projects to install into.
import { spawn, SpawnOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { expect } from 'vitest';
import { expectedAesGcm, expectedChaCha20Poly1305 } from './host-openssl';

export const root = resolve(__dirname, '..');
/** npm's own CLI script, to run npm with any node binary. */
export const npmCli = process.env.npm_execpath?.endsWith('npm-cli.js')
  ? process.env.npm_execpath
  : join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
/** `versions` as the addon reports it in this Node. */
export function expectedVersions(): Record<string, unknown> {
  return {
    enet: '1.3.18', mbedtls: '3.6.6', chacha20Poly1305: expect.stringMatching(expectedChaCha20Poly1305()),
    aesGcm: expect.stringMatching(expectedAesGcm()), zlib: '1.3.1', zstd: '1.5.7',
  };
}

/** The pinned tarballs that `npm install` fetched for this checkout (or took from GODOT_ENET_DEPS_DIR): staged builds reuse them. */
export const depsCache = process.env.GODOT_ENET_DEPS_DIR ?? join(root, 'deps', 'cache');

export interface Result { status: number | null; stdout: string; stderr: string }

/** Runs a command; asynchronous, so that vitest's worker stays responsive during long builds. */
export function run(command: string, args: string[], options: SpawnOptions & { timeout: number }): Promise<Result> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
    child.stderr!.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout);
    child.on('error', (err) => { clearTimeout(timer); rejectRun(err); });
    child.on('close', (status) => { clearTimeout(timer); resolveRun({ status, stdout, stderr }); });
  });
}

/** The result of a command that must succeed; throws with its output otherwise. */
export async function ok(pending: Promise<Result>, what: string): Promise<Result> {
  const result = await pending;
  if (result.status !== 0) throw new Error(`${what} exited ${result.status}:\n${result.stdout}\n${result.stderr}`.slice(-8000));
  return result;
}

/** Copies what git tracks (and untracked files it does not ignore) into `stage`, with node_modules linked. */
export async function stageCheckout(stage: string): Promise<void> {
  const listed = (await ok(run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, timeout: 30_000 }),
    'git ls-files')).stdout.split('\0').filter((file) => file && existsSync(join(root, file)));
  for (const file of listed) cpSync(join(root, file), join(stage, file));
  symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'));
}

/** `npm pack` of `stage` into `destination`: the tarball's path and the files it holds. */
export async function pack(stage: string, destination: string, env: NodeJS.ProcessEnv): Promise<{ tarball: string; files: string[] }> {
  const packed = await ok(run(process.execPath, [npmCli, 'pack', '--json', '--pack-destination', destination],
    { cwd: stage, env, timeout: 300_000 }), 'npm pack');
  const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0];
  return { tarball: join(destination, report.filename), files: report.files.map((entry: { path: string }) => entry.path) };
}

/** An empty project `name` under `parent`, holding copies of `files` (absolute paths). */
export function freshProject(parent: string, name: string, files: string[]): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  for (const file of files) cpSync(file, join(dir, file.slice(dirname(file).length + 1)));
  return dir;
}
