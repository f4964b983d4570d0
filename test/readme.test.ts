// The README's and docs' JavaScript examples run as pasted (with a free port for 7777).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { freeUdpPort } from './helpers';

const root = resolve(__dirname, '..');

/** The first ```js block after `heading` in `file`, with a free port for 7777 and `epilogue` appended. */
async function runSnippet(file: string, heading: string, epilogue = ''): Promise<string> {
  const text = readFileSync(resolve(root, file), 'utf8');
  const start = `\n${text}`.indexOf(`\n${heading}\n`);
  expect(start, `${file} has the heading ${heading}`).toBeGreaterThan(-1);
  const example = /```js\n([\s\S]*?)```/.exec(text.slice(start))?.[1];
  expect(example).toBeDefined();
  const code = example!.replaceAll('7777', String(await freeUdpPort())) + epilogue;
  return execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', timeout: 20_000 });
}

it("README's quick start (event-driven echo) runs as pasted and exits by itself", async () => {
  expect(await runSnippet('README.md', '## Quick start')).toBe('echoed ping\n');
});

it("docs/api.md's service() server and client run as pasted", async () => {
  expect(await runSnippet('docs/api.md', '## A server and a client')).toBe('joined with data 1234\ngot hello on channel 0\n');
});

it("docs/dtls.md's example runs as pasted and exits by itself", async () => {
  expect(await runSnippet('docs/dtls.md', '# DTLS')).toMatch(/^encrypted with TLS-ECDHE-ECDSA-WITH-[A-Z0-9-]+\n$/);
});

it("docs/multiplayer.md's ENetMultiplayerPeer example runs as pasted and exits by itself", async () => {
  expect(await runSnippet('docs/multiplayer.md', '## Multiplayer (ENetMultiplayerPeer)'))
    .toBe('a client joined: true\nserver got hello from the client: true\n');
});

it("docs/dedicated-server.md's server logic example starts and stops gracefully on SIGINT", async () => {
  expect(await runSnippet('docs/dedicated-server.md', '## Server logic in Node', "\nsetTimeout(() => process.emit('SIGINT'), 200);"))
    .toBe('');
});
