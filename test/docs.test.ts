// The documentation.
// - The API reference: TypeDoc, run as `npm run docs` runs it (typedoc.json), must build with no
//   warning. typedoc.json makes every warning an error and requires a doc comment on every
//   public class, member, enum member, interface field and type, so a member that loses its
//   comment fails here.
// - The guide (docs/guide.md): its JavaScript snippets compile, and the server, client and mesh
//   ones run as printed.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runScript, ScriptRun } from './fixtures/processes';
import { freeUdpPort } from './helpers';
import { withoutSanitizer } from './sanitized';

const root = resolve(__dirname, '..');
const typedoc = join(root, 'node_modules/typedoc/bin/typedoc');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  ms: number;
}

function runTypedoc(out: string): Promise<Run> {
  const started = Date.now();
  return new Promise((done) => {
    // Colour codes off, so the output is plain text to search.
    const child = execFile(process.execPath, [typedoc, '--out', out], {
      cwd: root,
      timeout: 100_000,
      env: { ...withoutSanitizer(), NO_COLOR: '1', FORCE_COLOR: '0' },
      maxBuffer: 16 * 1024 * 1024,
    }, (error, stdout, stderr) => {
      done({
        code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
        signal: child.signalCode,
        output: `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, ''),
        ms: Date.now() - started,
      });
    });
  });
}

function page(out: string, path: string): string {
  const file = join(out, path);
  expect(existsSync(file), path).toBe(true);
  return readFileSync(file, 'utf8');
}

describe('the API reference (TypeDoc)', () => {
  let out: string;
  let run: Run;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'godot-enet-docs-'));
    run = await runTypedoc(out);
  }, 120_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('is configured to fail on any undocumented public member', () => {
    const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8'));
    expect(config.entryPoints).toEqual(['lib/index.ts']);
    expect(config.treatWarningsAsErrors).toBe(true);
    expect(config.validation).toMatchObject({ notExported: true, notDocumented: true, invalidLink: true });
    expect(config.requiredToBeDocumented).toEqual(expect.arrayContaining([
      'Class', 'Constructor', 'Method', 'Property', 'Accessor', 'Enum', 'EnumMember', 'Interface', 'TypeAlias',
      'Variable', 'Function',
    ]));
  });

  it('builds with no warning and no error', () => {
    expect(run.signal, run.output).toBeNull();
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toMatch(/\[(warning|error)\]/);
    expect(run.output).toMatch(/html generated at/);
  });

  it('has a page for each main class, with its doc comments', () => {
    expect(page(out, 'index.html')).toContain('ENetConnection');
    // One line of each class's own comment, to show the comments made it in.
    const expected: Record<string, string> = {
      'classes/ENetConnection.html': 'create_host_bound',
      'classes/ENetPacketPeer.html': 'peer_disconnect_now',
      'classes/ENetMultiplayerPeer.html': 'add_mesh_peer',
      'classes/ENetError.html': 'errno',
      'classes/TLSOptions.html': 'client_unsafe',
      'classes/SceneMultiplayerServer.html': 'sendBytes',
      'classes/SceneMultiplayerClient.html': 'completeAuth',
      'enums/ErrorCode.html': 'ERR_INVALID_PARAMETER',
      'interfaces/ENetConnectionEvents.html': 'dtlsError',
    };
    for (const [path, text] of Object.entries(expected)) expect(page(out, path), path).toContain(text);
  });
});

/** The guide's ```js blocks, each with the `## ` section it is in. */
function guideSnippets(): { section: string; code: string }[] {
  const guide = readFileSync(join(root, 'docs/guide.md'), 'utf8');
  const snippets: { section: string; code: string }[] = [];
  let section = '';
  for (const match of guide.matchAll(/^## (.+)$|^```js\n([\s\S]*?)^```$/gm)) {
    if (match[1] !== undefined) section = match[1];
    else snippets.push({ section, code: match[2] });
  }
  return snippets;
}

function snippet(section: string, index = 0): string {
  const code = guideSnippets().filter((s) => s.section === section)[index]?.code;
  expect(code, `snippet ${index} of '${section}'`).toBeDefined();
  return code!;
}

/** Runs `code` with `node -e` in the repository (so require('godot-enet') is this package). */
function runNode(code: string): ScriptRun {
  const run = runScript('-e', [code], { cwd: root });
  running.push(run);
  return run;
}

const running: ScriptRun[] = [];
afterEach(() => {
  for (const run of running.splice(0)) run.kill();
});

describe('the guide (docs/guide.md)', () => {
  it('has JavaScript snippets that compile', () => {
    const snippets = guideSnippets();
    expect(snippets.length).toBeGreaterThan(10);
    for (const { section, code } of snippets) {
      expect(() => new Script(code, { filename: section }), section).not.toThrow();
    }
  });

  it("runs the server and client snippets as printed; the server stops on SIGTERM", async () => {
    const port = String(await freeUdpPort());
    const server = runNode(snippet('A server').replaceAll('7777', port));
    try {
      await new Promise((done) => setTimeout(done, 500));  // the server binds its port
      const client = runNode(snippet('A client').replaceAll('7777', port));
      expect(await client.exited).toEqual({ code: 0, signal: null });
      expect(client.stdout() + client.stderr()).toBe('channel 0: hello\ndisconnected, data 0\n');
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.stdout() + server.stderr()).toMatch(/^connect 127\.0\.0\.1 \d+\n$/);
  });

  it('runs the hand-made mesh snippet as printed', async () => {
    const mesh = runNode(snippet('Mesh', 1));
    expect(await mesh.exited).toEqual({ code: 0, signal: null });
    expect(mesh.stdout() + mesh.stderr()).toBe("b got 'hi' from 2\n");
  });

  it('runs the Variants snippet as printed', async () => {
    const variants = runNode(snippet('Variants: var_to_bytes from Node'));
    expect(await variants.exited).toEqual({ code: 0, signal: null });
    expect(variants.stdout() + variants.stderr()).toBe('1 100 3\n');
  });
});
