/**
 * `deforum schedule "EXPR" --frames N`: expands one keyframe schedule the way a render would and prints it
 * (frame and value per line, or JSON), or plots it to a PNG. NaN and ±inf values are printed and named on stderr.
 */
import type { Command } from 'commander';
import { writeSvgAsPng } from '../../core/image/codec.js';
import { expandScheduleDetailed, expandStringSchedule, parseKeyframes } from '../../core/schedule/index.js';
import { nonFiniteError } from '../../core/schedule/expand-finite.js';
import { formatFrameRanges } from '../../core/schedule/frame-ranges.js';
import { usageError, wholeNumberOption } from '../cli-arguments.js';
import { buildSchedulePlotSvg } from '../schedule-plot.js';

interface ScheduleCommandOptions {
  frames: number;
  setting: string;
  json?: boolean;
  string?: boolean;
  integer?: boolean;
  plot?: string;
}

export function registerScheduleCommand(program: Command): void {
  program
    .command('schedule')
    .description('Expand a keyframe schedule such as "0:(1.0), 30:(0.5)" to one value per frame')
    .argument('<schedule>', 'the schedule string, e.g. "0:(10*sin(2*3.14*t/10))"')
    .requiredOption('--frames <n>', 'number of frames (max_frames)', wholeNumberOption('--frames'))
    .option('--setting <name>', 'setting name used in messages', 'schedule')
    .option('--json', 'print one JSON array instead of frame/value lines')
    .option('--string', 'a string schedule (sampler_schedule): names per frame')
    .option('--integer', 'truncate values toward zero, as integer settings do')
    .option('--plot <file.png>', 'draw the curve with its keyframes to a PNG file')
    .action(async (text: string, options: ScheduleCommandOptions) => {
      const { frames } = options;
      if (options.string) {
        if (options.plot) throw usageError('--plot', 'only numeric schedules can be plotted; leave out --string');
        printSeries(expandStringSchedule(text, frames, { setting: options.setting }), options.json === true);
        return;
      }
      const expansion = expandScheduleDetailed(text, frames, {
        setting: options.setting,
        integer: options.integer === true,
      });
      printSeries(Array.from(expansion.values), options.json === true);
      warnFrames(expansion.nanFilledFrames, 'gave NaN and were filled by interpolation, as Deforum does');
      if (options.plot) {
        const keyframes = parseKeyframes(text, options.setting).map((key) => key.frame);
        const svg = buildSchedulePlotSvg({
          title: `${options.setting}: ${text}`.slice(0, 120),
          values: expansion.values,
          keyframes,
          widthPx: 800,
          heightPx: 400,
        });
        await writeSvgAsPng(svg, options.plot);
      }
      // The values are printed for inspection, but a render would reject them, so the command fails too.
      if (expansion.nonFiniteFrames.length > 0) throw nonFiniteError(options.setting, text, expansion.nonFiniteFrames);
    });
}

function printSeries(values: readonly (number | string | null)[], json: boolean): void {
  if (json) {
    // JSON has no NaN or Infinity; write them as strings, like the golden files do.
    const encoded = values.map((value) =>
      typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
    );
    process.stdout.write(`${JSON.stringify(encoded)}\n`);
    return;
  }
  process.stdout.write(values.map((value, frame) => `${String(frame)}\t${String(value)}`).join('\n') + '\n');
}

function warnFrames(frames: readonly number[], what: string): void {
  if (frames.length > 0) process.stderr.write(`warning: frames ${formatFrameRanges(frames)} ${what}\n`);
}
