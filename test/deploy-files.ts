// The deployment files (Dockerfile, deploy/agones/*.yaml), read for the tests that check them
// offline and for the Agones suite, which runs the image's command against Agones' SDK server.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export const root = resolve(__dirname, '..');

/** A Kubernetes resource as YAML gives it. */
export type Resource = Record<string, any>;

/** deploy/agones/{name}, parsed. */
export function agonesResource(name: string): Resource {
  return parse(readFileSync(resolve(root, 'deploy/agones', name), 'utf8')) as Resource;
}

/** One Dockerfile instruction: its keyword and the rest of its (joined) line. */
export interface Instruction {
  keyword: string;
  rest: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments left out. */
export function dockerfile(): Instruction[] {
  const text = readFileSync(resolve(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [, keyword, rest] = /^(\S+)\s+(.*)$/.exec(line)!;
      return { keyword: keyword.toUpperCase(), rest };
    });
}

/** The image's command: ENTRYPOINT then CMD, both in exec (JSON) form. */
export function imageCommand(): string[] {
  const exec = (keyword: string) => JSON.parse(dockerfile().find((instruction) => instruction.keyword === keyword)!.rest) as string[];
  return [...exec('ENTRYPOINT'), ...exec('CMD')];
}
