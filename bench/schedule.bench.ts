/**
 * Schedule expansion speed: all 25 DeformAnimKeys schedules of the notebook defaults over 10,000 frames, and a
 * heavy-formula variant. Candidate: compile each key once, evaluate per frame (expandAnimKeys). Baseline, in the
 * same process: re-parse and re-compile the formula on every frame, which is what numexpr.evaluate does per call
 * in the original loop. Prints one JSON object with the figures as its last line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ANIM_KEY_NAMES, expandAnimKeys, type AnimKeyName } from '../src/core/animation/anim-keys.js';
import { expandSchedule, expandStringSchedule } from '../src/core/schedule/index.js';

const FRAMES = 10_000;
const goldenDir = process.env.DEFORUM_GOLDEN_DIR ?? path.join(import.meta.dirname, '../../shared/golden');
const defaults = (
  JSON.parse(readFileSync(path.join(goldenDir, 'anim_keys.json'), 'utf8')) as {
    cases: { schedules: Record<AnimKeyName, string> }[];
  }
).cases[0]?.schedules;
if (!defaults) throw new Error('anim_keys.json has no cases');

const HEAVY_FORMULA =
  '0:(1+0.5*sin(2*3.141*t/24)*cos(t/7)+where(t%50>25, 0.02*sqrt(t), -0.06*(cos(3.141*t/15)**100)+0.06)+abs(arctan2(t-500, 300))/10)';
const heavy = Object.fromEntries(
  ANIM_KEY_NAMES.map((name) => [name, name === 'sampler_schedule' ? defaults.sampler_schedule : HEAVY_FORMULA]),
) as Record<AnimKeyName, string>;

/** The naive way: a formula key is parsed and compiled again on every frame it covers. */
function expandNaively(schedules: Record<AnimKeyName, string>, frames: number): void {
  for (const name of ANIM_KEY_NAMES) {
    if (name === 'sampler_schedule') {
      expandStringSchedule(schedules[name], frames, { setting: name });
      continue;
    }
    const formula = /^0:\s*\((.*)\)$/.exec(schedules[name])?.[1] ?? '0';
    for (let frame = 0; frame < frames; frame++)
      expandSchedule(`0:(${formula.replace(/\bt\b/g, `(${String(frame)})`)})`, 1, { setting: name });
  }
}

function timeMs(run: () => void, minMs = 1000): number {
  run();
  let runs = 0;
  const started = performance.now();
  while (performance.now() - started < minMs) {
    run();
    runs++;
  }
  return (performance.now() - started) / runs;
}

const fieldFrames = ANIM_KEY_NAMES.length * FRAMES;
const figures = Object.fromEntries(
  (
    [
      ['defaults', defaults],
      ['heavy', heavy],
    ] as const
  ).map(([label, schedules]) => {
    const candidateMs = timeMs(() => expandAnimKeys(schedules, FRAMES));
    const baselineMs = timeMs(() => expandNaively(schedules, FRAMES));
    console.log(
      `${label}: compiled ${candidateMs.toFixed(2)} ms, re-parse per frame ${baselineMs.toFixed(2)} ms per ${String(fieldFrames)} field-frames`,
    );
    return [
      label,
      {
        candidateMsPerExpansion: Number(candidateMs.toFixed(3)),
        baselineMsPerExpansion: Number(baselineMs.toFixed(3)),
        candidateFieldFramesPerSecond: Math.round(fieldFrames / (candidateMs / 1000)),
        baselineFieldFramesPerSecond: Math.round(fieldFrames / (baselineMs / 1000)),
        speedup: Number((baselineMs / candidateMs).toFixed(1)),
      },
    ];
  }),
);
console.log(
  JSON.stringify({
    benchmark: 'schedule-expansion',
    frames: FRAMES,
    fields: ANIM_KEY_NAMES.length,
    node: process.version,
    ...figures,
  }),
);
