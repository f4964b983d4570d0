// The deployment files, checked offline: there is no Kubernetes and no Docker here, so the YAML is
// parsed and held to the fields Agones requires, and the Dockerfile to what the package ships
// and the command the server has. (test/agones.test.ts runs the image's command against Agones'
// SDK server.)
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agonesResource, dockerfile, imageCommand, Resource, root } from './deploy-files';

const packageJson = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  name: string; version: string; engines: { node: string }; bin: Record<string, string>;
};
const command = imageCommand();

/** The value of `--name` in the image's command. */
function option(name: string): string {
  const at = command.indexOf(`--${name}`);
  expect(at, `--${name} in the image's command`).toBeGreaterThan(0);
  return command[at + 1];
}

/** What Agones requires of a GameServer spec (a GameServer's, or a Fleet's template's), and what the image needs. */
function expectGameServerSpec(spec: Resource): void {
  expect(spec.ports.length).toBeGreaterThan(0);
  for (const port of spec.ports) {
    expect(port).toMatchObject({ protocol: 'UDP', portPolicy: 'Dynamic', containerPort: Number(option('port')) });
    expect(port.name).toMatch(/^[a-z0-9-]+$/);
  }
  // The server pings every 2 s (--health-interval's default): well inside a period.
  expect(spec.health.disabled ?? false).toBe(false);
  expect(spec.health.periodSeconds).toBeGreaterThanOrEqual(4);
  expect(spec.health.failureThreshold).toBeGreaterThanOrEqual(1);
  // The players list the server reports to, as big as the server's --max-clients.
  expect(spec.lists.players.capacity).toBe(Number(option('max-clients')));
  const containers = spec.template.spec.containers as Resource[];
  expect(containers).toHaveLength(1);
  expect(containers[0].name).toMatch(/^[a-z0-9-]+$/);
  expect(containers[0].image).toMatch(/^godot-enet(:|$)/);
  // The image's command runs as built: no command or args override it here.
  expect(containers[0].command).toBeUndefined();
  expect(containers[0].args).toBeUndefined();
}

describe('deploy/agones', () => {
  it('gameserver.yaml is an agones.dev/v1 GameServer with a Dynamic UDP port, health and the players list', () => {
    const gameServer = agonesResource('gameserver.yaml');
    expect(gameServer).toMatchObject({ apiVersion: 'agones.dev/v1', kind: 'GameServer' });
    expectGameServerSpec(gameServer.spec);
  });

  it('fleet.yaml is an agones.dev/v1 Fleet of the same GameServers', () => {
    const fleet = agonesResource('fleet.yaml');
    expect(fleet).toMatchObject({ apiVersion: 'agones.dev/v1', kind: 'Fleet', spec: { scheduling: 'Packed' } });
    expect(fleet.metadata.name).toMatch(/^[a-z0-9-]+$/);
    expect(fleet.spec.replicas).toBeGreaterThanOrEqual(1);
    expectGameServerSpec(fleet.spec.template.spec);
    expect(fleet.spec.template.spec).toEqual(agonesResource('gameserver.yaml').spec);
  });

  it('fleetautoscaler.yaml is an autoscaling.agones.dev/v1 Buffer policy for that fleet', () => {
    const autoscaler = agonesResource('fleetautoscaler.yaml');
    expect(autoscaler).toMatchObject({ apiVersion: 'autoscaling.agones.dev/v1', kind: 'FleetAutoscaler' });
    expect(autoscaler.spec.fleetName).toBe(agonesResource('fleet.yaml').metadata.name);
    expect(autoscaler.spec.policy.type).toBe('Buffer');
    const { bufferSize, minReplicas, maxReplicas } = autoscaler.spec.policy.buffer;
    expect(Number.isInteger(bufferSize) && bufferSize > 0).toBe(true);
    expect(minReplicas).toBeGreaterThanOrEqual(bufferSize);
    expect(maxReplicas).toBeGreaterThan(minReplicas);
  });
});

describe('Dockerfile', () => {
  const instructions = dockerfile();
  const all = (keyword: string) => instructions.filter((instruction) => instruction.keyword === keyword).map((i) => i.rest);

  it('builds on a slim Node image the package supports, runs as a non-root user and exposes the UDP port', () => {
    const [from] = all('FROM');
    const [, major] = /^node:(\d+)-[a-z]+-slim$/.exec(from) ?? [];
    expect(Number(major)).toBeGreaterThanOrEqual(Number(/\d+/.exec(packageJson.engines.node)![0]));
    const users = all('USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    // USER comes before the command runs, after the install.
    expect(instructions.findIndex((i) => i.keyword === 'USER')).toBeGreaterThan(instructions.findIndex((i) => i.keyword === 'RUN'));
    expect(all('EXPOSE')).toEqual([`${option('port')}/udp`]);
  });

  it('installs the package as `npm pack` makes it, which holds the command and its Agones code', () => {
    const copies = all('COPY');
    expect(copies).toHaveLength(1);
    const [source] = copies[0].split(/\s+/);
    const pattern = new RegExp(`^${source.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string; files: { path: string }[] }[];
    expect(pack.filename).toMatch(pattern);
    const files = pack.files.map((file) => file.path);
    const program = command[0];
    expect(packageJson.bin[program]).toBeDefined();
    expect(files).toEqual(expect.arrayContaining([packageJson.bin[program].replace(/^\.\//, ''), 'dist/cli.js',
      'dist/agones/serve.js', 'dist/agones/AgonesGameServer.js', 'dist/agones/sdk.js']));
  });

  it('runs a real godot-enet command: every option of its CMD is one `serve` knows', () => {
    expect(command.slice(1, 3)).toEqual(['serve', '--agones']);
    const help = spawnSync(process.execPath, [resolve(root, packageJson.bin[command[0]]), '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const flag of command.filter((arg) => arg.startsWith('--'))) expect(help.stdout).toContain(`${flag} `);
  });
});
