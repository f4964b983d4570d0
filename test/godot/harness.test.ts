// The Godot harness itself: the binary runs, reads its arguments and reports.
import { expect, it } from 'vitest';
import { describeGodot, runGodot } from './godot';

describeGodot('Godot harness', () => {
  it('runs a GDScript program of the test project and reads its reports', async () => {
    const godot = runGodot('version.gd', { seconds: 5 });
    const version = await godot.report<{ major: number; minor: number }>('version');
    expect([version.major, version.minor]).toEqual([4, 6]);
    expect(await godot.exited).toEqual({ code: 0, signal: null });
  });
});
