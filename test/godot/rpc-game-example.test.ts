// examples/rpc-game as its README runs it: the Node server and two real Godot clients play one
// game by RPC to the end.
import { resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runScript, ScriptRun } from '../fixtures/processes';
import { until } from '../godot-client';
import { describeGodot, runGodot } from './godot';

const example = resolve(__dirname, '../../examples/rpc-game');
const running: ScriptRun[] = [];
afterEach(() => {
  for (const run of running.splice(0)) run.kill();
});

describeGodot('examples/rpc-game', () => {
  it('two Godot clients play a game against the Node server by RPC: inputs in, state out, one winner', async () => {
    const server = runScript(resolve(example, 'server.js'), ['--port', '0', '--players', '2', '--score', '3'], { cwd: example });
    running.push(server);
    const [, port] = await server.line(/^listening on 127\.0\.0\.1:(\d+)$/, 10_000);
    const clients = [runGodot('client.gd', { port, seconds: 40 }, resolve(example, 'godot')),
      runGodot('client.gd', { port, seconds: 40 }, resolve(example, 'godot'))];
    const ids = await Promise.all(clients.map(async (client) => (await client.line(/^joined as player (\d+)$/, 15_000))[1]));
    await server.line(/^game starts$/);
    const [, winner] = await server.line(/^game over: player (\d+) wins$/, 30_000);
    expect(ids).toContain(winner);
    for (const [index, client] of clients.entries()) {
      expect(await client.exited).toEqual({ code: 0, signal: null });
      const me = ids[index] === winner ? ' (me)' : '';
      expect(client.lines).toContain(`game over: player ${winner} wins${me}`);
      // Every pickup the server counted, each client heard (reliable RPCs), in order.
      const scored = server.lines.filter((line) => line.startsWith('player ') && line.includes(' scored '));
      expect(client.lines.filter((line) => / scored \d+/.test(line)).map((line) => line.replace(' (me)', ''))).toEqual(scored);
    }
    expect(server.lines.filter((line) => line === `player ${winner} scored 3`)).toHaveLength(1);
    await until(() => server.lines.filter((line) => / left \(\d in\)$/.test(line)).length === 2, 10_000, 'both to leave');
    expect(server.lines.some((line) => line.startsWith('refused'))).toBe(false);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines.at(-1)).toBe('closed');
  });
});
