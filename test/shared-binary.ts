// Programs the suites take from the project's shared/ folder beside the checkout (Godot, Agones'
// SDK server), or from an environment variable. Without one a suite is skipped with one line
// saying how to get it, except under CI=true, where a missing program fails it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'vitest';

const root = resolve(__dirname, '..');

/** A program from shared/: where it is (null when missing) and a `describe` that needs it. */
export interface SharedBinary {
  /** The program's path, or null. */
  readonly path: string | null;
  /** How to get it, for messages. */
  readonly howToGet: string;
  /** `describe` for a suite that runs it: skipped with one line without it, failing under CI=true. */
  describe(name: string, body: () => void): void;
}

/**
 * The program `$envVariable`, else `../shared/{relativePath}` beside the checkout. `what` names
 * it in messages ("Godot binary").
 */
export function sharedBinary(what: string, envVariable: string, relativePath: string, howToGet: string): SharedBinary {
  const besideCheckout = resolve(root, '../shared', relativePath);
  const path = process.env[envVariable] || (existsSync(besideCheckout) ? besideCheckout : null);
  return {
    path,
    howToGet,
    describe(name, body) {
      if (path) {
        describe(name, body);
      } else if (process.env.CI) {
        describe(name, () => it(`finds the ${what}`, () => {
          throw new Error(`no ${what} under CI: ${howToGet}`);
        }));
      } else {
        console.log(`skipping "${name}": no ${what} (${howToGet})`);
        describe.skip(name, body);
      }
    },
  };
}
