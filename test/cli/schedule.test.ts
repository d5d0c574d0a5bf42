/**
 * `deforum schedule` run as a user runs it: a child process, its stdout, stderr, exit code and files.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDeforum, STACK_TRACE, type CliRun } from '../support/run-cli.js';

function deforum(...args: string[]): CliRun {
  return runDeforum(['schedule', ...args]);
}

describe('deforum schedule', () => {
  it('prints frame and value per line', () => {
    const result = deforum('0:(0), 5:(10)', '--frames', '7');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('0\t0\n1\t2\n2\t4\n3\t6\n4\t8\n5\t10\n6\t10\n');
  });

  it('prints non-finite values as JSON strings, then fails naming the frames a render would reject', () => {
    const result = deforum('0:(log(t))', '--frames', '3', '--json');
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toStrictEqual(['-Infinity', 0, Math.log(2)]);
    expect(result.stderr).toMatch(/infinite or undefined at frame 0 of/);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('expands string schedules', () => {
    const result = deforum("0:('euler'), 2:(heun)", '--frames', '3', '--string', '--json');
    expect(JSON.parse(result.stdout)).toStrictEqual(['euler', 'euler', 'heun']);
  });

  it('plots to a PNG of the expected size', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'deforum-plot-')), 'zoom.png');
    const result = deforum('0:(1.0), 30:(1.5), 60:(1+0.1*sin(t/4))', '--frames', '100', '--plot', file);
    expect(result.status).toBe(0);
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toStrictEqual([800, 400]);
  });

  it.each([
    [
      ['0:(0.65))', '--frames', '10', '--setting', 'strength_schedule'],
      /^error: strength_schedule: unexpected '\)' at column 9 in `0:\(0\.65\)\)`\. Remove the extra parenthesis\.\n$/,
    ],
    [['0:(1)', '--frames', '-5'], /^error: --frames: '-5' is not a whole number/],
    [['0:(1)', '--frames', 'abc'], /^error: --frames: 'abc' is not a whole number/],
    [['0:(1)', '--frames', '0'], /^error: --frames: 0 is out of range/],
    [["0:(__import__('os'))", '--frames', '3'], /^error: schedule: unknown function '__import__' at column 4/],
  ])('%j exits 1 with the message and no stack trace', (args, message) => {
    const result = deforum(...args);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stdout).toBe('');
  });
});
