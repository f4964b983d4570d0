import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { freeUdpPort } from './helpers';

const root = resolve(__dirname, '..');


it("README's server and client example runs as pasted", async () => {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const example = /## A server and a client\s+```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  // The example uses port 7777; a free one keeps parallel runs apart.
  const code = example!.replaceAll('7777', String(await freeUdpPort()));
  const out = execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  expect(out).toBe('joined with data 1234\ngot hello on channel 0\n');
});

it("README's event-driven example runs as pasted and exits by itself", async () => {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const example = /## Event-driven: the Node way[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const code = example!.replaceAll('7777', String(await freeUdpPort()));
  const out = execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  expect(out).toBe('echoed ping\n');
});

it("README's DTLS example runs as pasted and exits by itself", async () => {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const example = /## DTLS[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const code = example!.replaceAll('7777', String(await freeUdpPort()));
  const out = execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  expect(out).toMatch(/^encrypted with TLS-ECDHE-ECDSA-WITH-[A-Z0-9-]+\n$/);
});

it("README's ENetMultiplayerPeer example runs as pasted and exits by itself", async () => {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const example = /## Multiplayer \(ENetMultiplayerPeer\)[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const code = example!.replaceAll('7777', String(await freeUdpPort()));
  const out = execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  expect(out).toBe('a client joined: true\nserver got hello from the client: true\n');
});

it("README's dedicated-server example starts and stops gracefully on SIGINT", async () => {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const example = /### Server logic in Node\s+[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  const code = `${example!.replaceAll('7777', String(await freeUdpPort()))}
    setTimeout(() => process.emit('SIGINT'), 200);`;
  const out = execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  expect(out).toBe('');
});
