// Builds the test's C echo peer (test/native/echo_peer.c) against the same fetched ENet
// 1.3.18, with ENet's own unix.c: stock ENet, to prove wire compatibility.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
export const echoPeerPath = join(root, 'test/.build/echo_peer');

export default function setup(): void {
  const enet = execFileSync('node', [join(root, 'deps/fetch.js'), 'enet'], { encoding: 'utf8' }).trim();
  const source = join(root, 'test/native/echo_peer.c');
  if (existsSync(echoPeerPath) && statSync(echoPeerPath).mtimeMs > statSync(source).mtimeMs) return;
  mkdirSync(join(root, 'test/.build'), { recursive: true });
  const enetSources = ['callbacks.c', 'compress.c', 'host.c', 'list.c', 'packet.c', 'peer.c', 'protocol.c', 'unix.c']
    .map((file) => join(enet, file));
  execFileSync('cc', ['-O2', '-w', '-DHAS_SOCKLEN_T=1', '-I', join(enet, 'include'), '-o', echoPeerPath, source,
    ...enetSources], { stdio: 'inherit' });
}
