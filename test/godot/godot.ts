// Runs the real Godot 4 engine in the test suite: GDScript programs of test/godot/project/ as
// child processes, on the other end of the wire from this library.
//
// The binary is $GODOT_BIN, else ../shared/godot/godot-4.6.3-headless beside the checkout. Without
// one the Godot suites are skipped with one line saying how to get one, except under CI=true,
// where a missing binary fails them.
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { runProgram, ScriptRun } from '../fixtures/processes';
import { withoutSanitizer } from '../sanitized';
import { sharedBinary } from '../shared-binary';

const godot = sharedBinary('Godot binary', 'GODOT_BIN', 'godot/godot-4.6.3-headless', 'set GODOT_BIN to a Godot 4.6 '
  + 'binary (a headless or template build with the enet, multiplayer and mbedtls modules), or put the project\'s '
  + 'shared/ folder beside the checkout');

/** The Godot binary the suites run, or null. */
export const godotBinary: string | null = godot.path;

/** The Godot project holding the programs (`res://`). */
export const projectDir = join(__dirname, 'project');

/**
 * `describe` for a suite that needs Godot: skipped with one line when there is none, failing
 * when there is none under CI=true.
 */
export function describeGodot(name: string, body: () => void): void {
  godot.describe(name, body);
}

/** A running Godot program. */
export interface GodotRun extends ScriptRun {
  /** The data of the first `event {json}` report (program.gd's report()), waiting up to `ms`. */
  report<T = Record<string, unknown>>(event: string, ms?: number): Promise<T>;
  /** Every `event` report so far, in order. */
  reports<T = Record<string, unknown>>(event: string): T[];
}

const running: ScriptRun[] = [];

afterEach(() => {
  for (const run of running.splice(0)) run.kill();
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Starts `res://{script}` with `options` as `--name=value` arguments. `seconds` (default 20) is
 * the program's own deadline (program.gd); the process is killed at the end of the test anyway.
 * `project` is the Godot project (default the test project; an example's, for instance).
 * Godot runs without memcheck.sh's preloaded sanitizer: it is the peer, not the code under test.
 */
export function runGodot(script: string, options: Record<string, string | number | boolean> = {}, project = projectDir): GodotRun {
  if (!godotBinary) throw new Error(`no Godot binary: ${godot.howToGet}`);
  const args = Object.entries({ seconds: 20, ...options }).map(([name, value]) => `--${name}=${value}`);
  const run = runProgram(godotBinary, ['--headless', '--path', project, '-s', `res://${script}`, '--', ...args],
    { env: withoutSanitizer(), label: `godot ${script}` }) as GodotRun;
  running.push(run);
  const pattern = (event: string) => new RegExp(`^${escapeRegExp(event)} (\\{.*\\})$`);
  run.report = async (event, ms = 10_000) => JSON.parse((await run.line(pattern(event), ms))[1]);
  run.reports = (event) => run.lines.map((line) => pattern(event).exec(line)).filter((match) => match !== null)
    .map((match) => JSON.parse(match![1]));
  return run;
}
