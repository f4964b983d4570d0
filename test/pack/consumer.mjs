// The same package through `import`: named exports, and one module shared with require().
import { createRequire } from 'node:module';
import { ENetConnection, ErrorCode, versions } from 'godot-enet';

const required = createRequire(import.meta.url)('godot-enet');
const host = new ENetConnection();
host.createHostBound('127.0.0.1', 0);
const port = host.getLocalPort();
host.destroy();
console.log(JSON.stringify({ sameModule: required.ENetConnection === ENetConnection, port, enet: versions.enet,
  errOk: ErrorCode.OK }));
