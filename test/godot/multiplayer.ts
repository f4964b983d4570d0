// The multiplayer suites' side of the mp_*.gd programs: each runs with a TCP control connection
// over which the test sends commands (one JSON object per line, see mp_common.gd), and its
// reports are awaited by content.
import { createServer, Server, Socket } from 'node:net';
import { afterEach } from 'vitest';
import { until } from '../godot-client';
import { GodotRun, runGodot } from './godot';

/** A report of an mp_*.gd program: its event's JSON data. */
export type Report = Record<string, unknown>;

/** A running mp_*.gd program that takes commands. */
export interface MpRun extends GodotRun {
  /** Sends `command` (`{ do: name, ... }`: mp_common.gd runs `do_<name>`); queued until the program connects. */
  command(command: Report): void;
  /** Sends `command` and resolves with its `did` report's result. */
  call<T = unknown>(command: Report, ms?: number): Promise<T>;
  /** The first `event` report whose data matches `fields` (a subset), waiting up to `ms`. */
  waitFor<T extends Report = Report>(event: string, fields?: Report, ms?: number): Promise<T>;
  /** The data of every `event` report so far whose data matches `fields`. */
  all<T extends Report = Report>(event: string, fields?: Report): T[];
}

const controls: Server[] = [];
afterEach(() => {
  for (const control of controls.splice(0)) control.close();
});

function matches(data: Report, fields: Report): boolean {
  return Object.entries(fields).every(([name, value]) => JSON.stringify(data[name]) === JSON.stringify(value));
}

/** Starts `res://{script}` with `options` and a control connection; killed after the test. */
export async function runMp(script: string, options: Record<string, string | number | boolean> = {}): Promise<MpRun> {
  const control = createServer();
  controls.push(control);
  await new Promise<void>((listening) => control.listen(0, '127.0.0.1', listening));
  let socket: Socket | null = null;
  const queued: string[] = [];
  control.on('connection', (connection) => {
    connection.on('error', () => {}); // the program may be killed at any time
    socket = connection;
    for (const line of queued.splice(0)) connection.write(line);
  });
  const port = (control.address() as { port: number }).port;
  const run = runGodot(script, { ...options, control: port }) as MpRun;
  /** Waits until `condition()` holds or the program exits; on timeout, throws with its output. */
  const wait = async (condition: () => boolean, what: string, ms: number): Promise<void> => {
    try {
      await until(() => condition() || run.exit !== null, ms, what);
    } catch {
      throw new Error(`${script}: no ${what} within ${ms} ms\nstdout:\n${run.stdout()}stderr:\n${run.stderr()}`);
    }
  };
  run.command = (command) => {
    const line = `${JSON.stringify(command)}\n`;
    if (socket) socket.write(line);
    else queued.push(line);
  };
  run.all = <T extends Report>(event: string, fields: Report = {}) =>
    run.reports<T>(event).filter((data) => matches(data, fields));
  run.waitFor = async <T extends Report>(event: string, fields: Report = {}, ms = 10_000) => {
    const what = `${event} ${JSON.stringify(fields)}`;
    await wait(() => run.all(event, fields).length > 0, what, ms);
    const found = run.all<T>(event, fields)[0];
    if (!found) throw new Error(`${script} exited (${JSON.stringify(run.exit)}) before ${what}\nstdout:\n${run.stdout()}stderr:\n${run.stderr()}`);
    return found;
  };
  run.call = async <T>(command: Report, ms = 10_000) => {
    const before = run.all('did', { do: command.do }).length;
    run.command(command);
    await wait(() => run.all('did', { do: command.do }).length > before, `did ${String(command.do)}`, ms);
    return run.all('did', { do: command.do })[before]?.result as T;
  };
  return run;
}

/** A Godot client (mp_client.gd), the ID it generated, and a name for tests that name clients. */
export interface MpClient {
  godot: MpRun;
  id: number;
  name: string;
}

/** A Godot client (mp_client.gd) started against `port` with `options`, once it created its peer. */
export async function startClient(port: number, options: Record<string, string> = {}, name = ''): Promise<MpClient> {
  const godot = await runMp('mp_client.gd', { port, ...options });
  const { id } = await godot.waitFor<{ id: number }>('created');
  return { godot, id, name };
}

/**
 * Godot clients (one per name, or `count` unnamed) joined one after the other, each once all
 * before it know it, so that every client learns of the others in the order they joined.
 */
export async function joinInTurn(port: number, names: string[] | number, options: Record<string, string> = {}): Promise<MpClient[]> {
  const clients: MpClient[] = [];
  for (const name of typeof names === 'number' ? Array.from({ length: names }, () => '') : names) {
    const client = await startClient(port, options, name);
    await client.godot.waitFor('connected_to_server');
    clients.push(client);
    for (const { godot } of clients) await until(() => godot.all('peer_connected').length === clients.length, 5000, 'announcements');
  }
  return clients;
}
