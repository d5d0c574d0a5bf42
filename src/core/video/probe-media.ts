/**
 * What ffprobe says about a media file, parsed once (zod) into what the video modules need: duration, the first
 * video stream's size and the first audio stream's codec. Used to check a soundtrack and to plan a fit-to-size
 * re-encode.
 */
import { z } from 'zod';

import { runFfprobe } from './ffmpeg-process.js';

export interface MediaInfo {
  /** The container's duration; null when ffprobe cannot tell (a still image, a raw stream). */
  durationSeconds: number | null;
  video: { codec: string; width: number; height: number } | null;
  audio: { codec: string } | null;
}

const probeSchema = z.object({
  format: z.object({ duration: z.string().optional(), format_name: z.string().optional() }).optional(),
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
      }),
    )
    .default([]),
});

/** Probes `file`; rejects with ffprobe's message when it cannot read it at all. */
export async function probeMedia(file: string, ffmpegPath?: string): Promise<MediaInfo> {
  const stdout = await runFfprobe(
    ['-show_entries', 'format=duration,format_name:stream=codec_type,codec_name,width,height', '-of', 'json', file],
    ffmpegPath,
  );
  const probed = probeSchema.parse(JSON.parse(stdout));
  const video = probed.streams.find((stream) => stream.codec_type === 'video');
  const audio = probed.streams.find((stream) => stream.codec_type === 'audio');
  const duration = Number(probed.format?.duration);
  return {
    durationSeconds: Number.isFinite(duration) && duration > 0 ? duration : null,
    video:
      video === undefined
        ? null
        : { codec: video.codec_name ?? 'unknown', width: video.width ?? 0, height: video.height ?? 0 },
    audio: audio === undefined ? null : { codec: audio.codec_name ?? 'unknown' },
  };
}
