// Builds the tests' C programs against the same fetched ENet 1.3.18:
// - test/native/echo_peer.c with ENet's own unix.c: stock ENet, to prove wire compatibility;
// - test/native/address_map_test.c with our IPv6 token map (native/platform/address_map.c).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
export const echoPeerPath = join(root, 'test/.build/echo_peer');
export const addressMapTestPath = join(root, 'test/.build/address_map_test');

function build(output: string, sources: string[], includes: string[]): void {
  const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
  if (existsSync(output) && statSync(output).mtimeMs > newest) return;
  mkdirSync(join(root, 'test/.build'), { recursive: true });
  execFileSync('cc', ['-O2', '-w', '-DHAS_SOCKLEN_T=1', ...includes.flatMap((dir) => ['-I', dir]), '-o', output,
    ...sources], { stdio: 'inherit' });
}

export default function setup(): void {
  const enet = execFileSync('node', [join(root, 'deps/fetch.js'), 'enet'], { encoding: 'utf8' }).trim();
  const enetInclude = join(enet, 'include');
  const stockEnet = ['callbacks.c', 'compress.c', 'host.c', 'list.c', 'packet.c', 'peer.c', 'protocol.c', 'unix.c']
    .map((file) => join(enet, file));
  build(echoPeerPath, [join(root, 'test/native/echo_peer.c'), ...stockEnet], [enetInclude]);
  build(addressMapTestPath, [join(root, 'test/native/address_map_test.c'), join(root, 'native/platform/address_map.c')],
    [enetInclude, join(root, 'native')]);
}
