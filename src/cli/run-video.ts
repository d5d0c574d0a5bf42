/**
 * The videos of one `deforum render` run, from the video-creation settings (core/video/video-plan.ts): the MP4 is
 * fed while the frames render (stream-encoder.ts), so it is ready when the last frame is; a resumed run, whose
 * earlier frames are already on disk, and the GIF (its palette needs every frame) are encoded from the files
 * afterwards (encode.ts). An optional soundtrack goes into the MP4.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import type { DeforumSettings } from '../core/settings/schema.js';
import { encodeGif, encodeMp4, type FrameInput } from '../core/video/encode.js';
import { framePattern } from '../core/video/frame-files.js';
import { openMp4Stream, type Mp4Stream } from '../core/video/stream-encoder.js';
import { planVideo, type VideoPlan } from '../core/video/video-plan.js';

export interface RunVideoInput {
  settings: DeforumSettings;
  out: string;
  timestring: string;
  /** Setting names the settings file set itself. */
  given: ReadonlySet<string>;
  /** Frames already on disk from before a resume. */
  framesDone: number;
  fps?: number | undefined;
  gif?: boolean | undefined;
  /** `--audio`: a soundtrack for the MP4. */
  audio?: string | undefined;
}

export interface RunVideo {
  plan: VideoPlan;
  /** The MP4 to feed while rendering (writeRender's `video`), or undefined when it is made afterwards or not at all. */
  live: { stream: Mp4Stream; frames: number } | undefined;
}

/** Plans the run's videos and opens the MP4 stream of a fresh run; call before the models load. */
export async function startRunVideo(input: RunVideoInput): Promise<RunVideo> {
  const plan = planVideo({ ...input, frameCount: input.settings.max_frames });
  for (const note of plan.notes) process.stderr.write(`warning: ${note}\n`);
  for (const file of [plan.mp4, plan.gif]) if (file !== null) await mkdir(path.dirname(file), { recursive: true });
  if (plan.mp4 === null || input.framesDone > 0) return { plan, live: undefined };
  const stream = await openMp4Stream({
    output: plan.mp4,
    width: input.settings.W,
    height: input.settings.H,
    fps: plan.fps,
    audio: input.audio,
  });
  return { plan, live: { stream, frames: plan.frameCount } };
}

/** Stops the MP4 stream of a run that will not render (its unfinished file is removed). */
export async function abortRunVideo(video: RunVideo): Promise<void> {
  await video.live?.stream.abort();
}

/** Makes what was not streamed from the frame files; returns the videos' paths (MP4 first). */
export async function finishRunVideo(
  video: RunVideo,
  input: Pick<RunVideoInput, 'out' | 'timestring' | 'audio'>,
  framesWritten: number,
): Promise<string[]> {
  const { plan } = video;
  const count = Math.min(framesWritten, plan.frameCount);
  const frames: FrameInput = { kind: 'pattern', directory: input.out, pattern: framePattern(input.timestring), count };
  if (plan.mp4 !== null && video.live === undefined) {
    await encodeMp4({
      frames,
      output: plan.mp4,
      fps: plan.fps,
      ...(input.audio !== undefined && { audio: input.audio }),
    });
  }
  if (plan.gif !== null) await encodeGif({ frames, output: plan.gif, fps: plan.fps });
  return [plan.mp4, plan.gif].filter((file) => file !== null);
}
