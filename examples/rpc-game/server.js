// An authoritative game server in Node for Godot 4 clients, by RPC: clients send their movement
// input (`move`, unreliable_ordered on channel 1), the server moves everyone, 20 times a second
// sends the state out (`state`, unreliable_ordered on channel 2), and announces with reliable RPCs
// who picked up the coin (`scored`) and who won (`game_over`). A game starts once --players
// clients are in; the first to --score coins wins; then the next game waits for players again.
//   node examples/rpc-game/server.js [--port 7777] [--bind 127.0.0.1] [--players 2] [--score 3]
// Clients: examples/rpc-game/godot/ (README.md). SIGINT or SIGTERM stops it (exit 0).
'use strict';
const { parseArgs } = require('node:util');
const { SceneMultiplayerServer, Vector2 } = require('godot-enet');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '7777' },
    bind: { type: 'string', default: '127.0.0.1' },
    players: { type: 'string', default: '2' },
    score: { type: 'string', default: '3' },
  },
});
const TICK_MS = 50;
const SPEED = 200; // units per second
const FIELD = 400; // the field is FIELD x FIELD
const REACH = 16; // how close a player must come to pick up the coin
const COIN_SPOTS = [[300, 80], [60, 320], [200, 200], [340, 340], [80, 60]].map(([x, y]) => new Vector2(x, y));

const players = new Map(); // id -> { position, direction, score }
let coin = 0; // index in COIN_SPOTS
let playing = false;

const server = new SceneMultiplayerServer({ port: Number(values.port), bindIp: values.bind });
// The same methods, with the same @rpc settings, as the clients' game.gd has on /root/Game.
server.addNode('/root/Game', {
  move: {
    mode: 'any_peer', transferMode: 'unreliable_ordered', channel: 1, args: ['Vector2'],
    call: (id, direction) => {
      const player = players.get(id);
      const length = Math.hypot(direction.x, direction.y);
      if (!player || !Number.isFinite(length)) return; // ignore nonsense
      // Authoritative: a client asks for a direction, never a position; faster than SPEED is clipped.
      player.direction = length > 1 ? new Vector2(direction.x / length, direction.y / length) : direction;
    },
  },
  state: { transferMode: 'unreliable_ordered', channel: 2, args: ['Dictionary', 'Vector2'] },
  scored: { args: ['int', 'int'] },
  game_over: { args: ['int'] },
});

server.on('peerConnected', (id) => {
  const spot = players.size;
  players.set(id, { position: new Vector2(40 + 320 * (spot % 2), 200), direction: new Vector2(), score: 0 });
  console.log(`player ${id} joined (${players.size} in)`);
  if (!playing && players.size >= Number(values.players)) {
    playing = true;
    console.log('game starts');
  }
});
server.on('peerDisconnected', (id) => {
  players.delete(id);
  console.log(`player ${id} left (${players.size} in)`);
});
// What Godot would print as an error: a call the server refuses (wrong types, not allowed…).
server.on('rpcRefused', (id, reason) => console.log(`refused from ${id}: ${reason}`));

function tick() {
  if (!playing) return;
  const step = (SPEED * TICK_MS) / 1000;
  const clamp = (value) => Math.min(FIELD, Math.max(0, value));
  for (const [id, player] of players) {
    player.position = new Vector2(clamp(player.position.x + player.direction.x * step),
      clamp(player.position.y + player.direction.y * step));
    const target = COIN_SPOTS[coin];
    if (Math.hypot(player.position.x - target.x, player.position.y - target.y) > REACH) continue;
    player.score++;
    coin = (coin + 1) % COIN_SPOTS.length;
    console.log(`player ${id} scored ${player.score}`);
    server.rpc('/root/Game', 'scored', id, player.score); // reliable: every client hears it
    if (player.score >= Number(values.score)) return gameOver(id);
  }
  const positions = new Map([...players].map(([id, player]) => [id, player.position]));
  server.rpc('/root/Game', 'state', positions, COIN_SPOTS[coin]);
}

function gameOver(winner) {
  console.log(`game over: player ${winner} wins`);
  server.rpc('/root/Game', 'game_over', winner);
  playing = false;
  for (const player of players.values()) player.score = 0;
}

try {
  server.start();
} catch (error) {
  console.error(`rpc-game server: cannot listen on ${values.bind}:${values.port}: ${error.message}`);
  process.exit(1);
}
console.log(`listening on ${values.bind}:${server.getPort()}`);
const ticker = setInterval(tick, TICK_MS);

async function stop() {
  clearInterval(ticker);
  await server.close();
  console.log('closed');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
