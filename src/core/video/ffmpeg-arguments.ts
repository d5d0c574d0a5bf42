/**
 * The one place that spells the notebook's video settings as ffmpeg arguments (spec §20), shared by the encoder
 * from files (encode.ts), the encoder fed while rendering (stream-encoder.ts) and the fit-to-size re-encode.
 * MP4: output filter `fps=fps` after an input read at `fps` (one video frame per image), libx264, yuv420p, crf 17,
 * preset veryfast, as the notebook encodes for output parity (spec §24 item 51). Added: `-movflags +faststart`,
 * so Discord and browsers start playing before the file has loaded.
 * A soundtrack is the second input: AAC, padded with silence and cut with `-shortest`, so the video always keeps
 * every frame whatever the length of the audio (docs/deviations.md, "Soundtrack").
 */

/** The H.264 settings of the notebook; fit-to-size replaces the rate control only. */
export const H264_QUALITY = ['-crf', '17', '-preset', 'veryfast'] as const;

const AUDIO_BITRATE_KBPS = 160;

/** Raw 8-bit RGB frames of one size on stdin, read at `fps`. */
export function rawRgbInputArguments(width: number, height: number, fps: number): string[] {
  return ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-'];
}

/** The audio input; it must follow the video input so that it is input 1. */
export function soundtrackInputArguments(audio: string): string[] {
  return ['-i', audio];
}

/** Where the MP4's sound comes from: nowhere, a soundtrack given as input 1, or input 0's own audio (re-encode). */
export type AudioSource = 'none' | 'soundtrack' | 'input';

export interface Mp4OutputOptions {
  /** One video frame per input image at this rate (`fps=fps`); null keeps the input's timing (re-encodes). */
  fps: number | null;
  audio: AudioSource;
  /** Rate control in place of the notebook's crf 17 (fit-to-size); by default `H264_QUALITY`. */
  videoCodecArguments?: readonly string[];
  /** Filters after `fps=fps` (fit-to-size's `scale=`). */
  extraFilters?: readonly string[];
  /** The AAC bitrate; by default 160 kbit/s. */
  audioBitrateKbps?: number;
}

export function mp4OutputArguments(options: Mp4OutputOptions): string[] {
  const filters = [...(options.fps === null ? [] : [`fps=${options.fps}`]), ...(options.extraFilters ?? [])];
  const video = [
    '-c:v',
    'libx264',
    ...(filters.length === 0 ? [] : ['-vf', filters.join(',')]),
    '-pix_fmt',
    'yuv420p',
    ...(options.videoCodecArguments ?? H264_QUALITY),
  ];
  const aac = ['-c:a', 'aac', '-b:a', `${options.audioBitrateKbps ?? AUDIO_BITRATE_KBPS}k`];
  const audio = {
    none: ['-an'],
    soundtrack: ['-map', '0:v:0', '-map', '1:a:0', ...aac, '-af', 'apad', '-shortest'],
    input: ['-map', '0:v:0', '-map', '0:a:0', ...aac],
  }[options.audio];
  return [...video, ...audio, '-movflags', '+faststart'];
}

/** A GIF with a palette computed from the frames (spec §24 item 51: the notebook used ffmpeg's 3-3-2 cube). */
export function gifOutputArguments(fps: number): string[] {
  return ['-vf', `fps=${fps},split[a][b];[a]palettegen[p];[b][p]paletteuse`];
}
