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
  /**
   * The data of the first `event {json}` report (program.gd's report()) for which `where` holds
   * (default: any), waiting up to `ms` (10 s); rejects, with the output so far, on timeout or if
   * the program exits first.
   */
  report<T = Record<string, unknown>>(event: string, ms?: number, where?: (data: T) => boolean): Promise<T>;
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
  run.reports = (event) => run.lines.map((line) => pattern(event).exec(line)).filter((match) => match !== null)
    .map((match) => JSON.parse(match![1]));
  run.report = (event, ms = 10_000, where = () => true) => waitForReport(run, event, ms, where);
  return run;
}

/** GodotRun.report: checks the reports so far, then each time more output arrives. */
function waitForReport<T>(run: GodotRun, event: string, ms: number, where: (data: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    let checked = 0;
    const check = (): boolean => {
      const reports = run.reports<T>(event);
      const found = reports.slice(checked).find(where);
      checked = reports.length;
      if (found === undefined) return false;
      finish();
      resolve(found);
      return true;
    };
    const fail = (why: string) => {
      finish();
      reject(new Error(`${event} report: ${why}\nstdout:\n${run.stdout()}stderr:\n${run.stderr()}`));
    };
    const onClose = () => check() || fail(`exited (${run.exit?.signal ?? run.exit?.code})`);
    const timer = setTimeout(() => check() || fail(`none within ${ms} ms`), ms);
    const finish = () => {
      clearTimeout(timer);
      run.child.stdout!.off('data', check);
      run.child.off('close', onClose);
    };
    if (check()) return;
    if (run.exit) return onClose();
    run.child.stdout!.on('data', check);
    run.child.on('close', onClose);
  });
}
