/**
 * The optional soundtrack of a render (issue 6, point 7): an audio file given with the job, muxed into the MP4.
 * Checked with ffprobe before any frame is encoded, so a wrong file fails at once with a clear message instead of
 * after the render.
 */
import { stat } from 'node:fs/promises';

import { DeforumError } from '../errors.js';
import { probeMedia } from './probe-media.js';

function unusable(source: string, reason: string, cause?: unknown): DeforumError {
  return new DeforumError(
    { code: 'audio_unusable', source, reason },
    `Cannot use ${source} as the soundtrack: ${reason}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Resolves when `file` holds an audio stream ffmpeg can decode; throws `audio_unusable` otherwise. */
export async function checkSoundtrack(file: string, ffmpegPath?: string): Promise<void> {
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch (cause) {
    throw unusable(file, 'the file does not exist. Check the path given with --audio.', cause);
  }
  let audio;
  try {
    ({ audio } = await probeMedia(file, ffmpegPath));
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw unusable(file, `ffprobe cannot read it (${detail}). Give an audio file such as MP3, WAV, AAC or OGG.`, cause);
  }
  if (audio === null) {
    throw unusable(
      file,
      'it has no audio stream. Give an audio file such as MP3, WAV, AAC or OGG (or a video with sound).',
    );
  }
}
