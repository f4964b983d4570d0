// docs/guide.md, "RPCs from Node": its GDScript node and its Node server match (a real Godot
// client plays against the server snippet with no checksum or refusal), and its Node client
// snippet joins the same server.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runScript, ScriptRun } from '../fixtures/processes';
import { freeUdpPort } from '../helpers';
import { describeGodot, runGodot } from './godot';

const root = resolve(__dirname, '../..');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The section's code blocks in `language`, in order. */
function blocks(section: string, language: string): string[] {
  const guide = readFileSync(join(root, 'docs/guide.md'), 'utf8');
  const start = guide.indexOf(`\n## ${section}\n`);
  const text = guide.slice(start, guide.indexOf('\n## ', start + 1));
  return [...text.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((match) => match[1]);
}

/** A Godot project with the guide's node as res://game.gd and a client that adds it at /root/Game. */
function godotProject(node: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'godot-enet-guide-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'project.godot'), 'config_version=5\n\n[application]\nrun/flush_stdout_on_print=true\n');
  writeFileSync(join(dir, 'game.gd'), node);
  writeFileSync(join(dir, 'client.gd'), `extends SceneTree

func _initialize() -> void:
	var game: Node = preload("res://game.gd").new()
	game.name = "Game"
	root.add_child(game)
	var options := {}
	for argument in OS.get_cmdline_user_args():
		options[argument.trim_prefix("--").get_slice("=", 0)] = argument.get_slice("=", 1)
	var peer := ENetMultiplayerPeer.new()
	peer.create_client("127.0.0.1", int(options.port))
	get_multiplayer().multiplayer_peer = peer
	create_timer(float(options.seconds)).timeout.connect(quit)
`);
  return dir;
}

describeGodot('docs/guide.md: RPCs from Node', () => {
  it('the GDScript node and the Node server and client snippets work together', async () => {
    const [node] = blocks('RPCs from Node', 'gdscript');
    const [serverCode, clientCode] = blocks('RPCs from Node', 'js');
    const port = String(await freeUdpPort());
    const running: ScriptRun[] = [];
    cleanups.push(() => running.forEach((run) => run.kill()));
    const server = runScript('-e', [serverCode.replaceAll('7777', port)], { cwd: root });
    running.push(server);
    await new Promise((done) => setTimeout(done, 500)); // the server binds its port

    const godot = runGodot('client.gd', { port, seconds: 30 }, godotProject(node));
    const [, id] = await godot.line(/^1 says welcome, (\d+)$/, 15_000);
    await godot.line(new RegExp(`^${id} is at \\(0\\.0, 0\\.0\\)$`), 10_000); // state, with its (zero) input applied
    await server.line(new RegExp(`^1 says welcome, ${id}$`)); // call_local: the server ran it too

    const client = runScript('-e', [clientCode.replaceAll('7777', port)], { cwd: root });
    running.push(client);
    const [, clientId] = await client.line(/^joined as (\d+)$/, 10_000);
    await client.line(/^peer 1 joined$/);
    await client.line(new RegExp(`^peer ${id} joined$`));
    await client.line(new RegExp(`^1 says welcome, ${clientId}$`));
    await client.line(/^state from 1 2 players$/, 10_000);
    await godot.line(new RegExp(`^1 says welcome, ${clientId}$`));
    expect(server.lines.filter((line) => line.startsWith('refused'))).toEqual([]);
    expect(godot.stderr()).not.toMatch(/checksum|not allowed|Invalid/);
  });
});
