/** Video creation settings (spec §20): the notebook's separate ffmpeg cell, run after rendering. */
import { choiceField, flagField, integerField, numberField, textField } from './field-types.js';

export const videoCreationShape = {
  skip_video_for_run_all: flagField(),
  create_gif: flagField(),
  ffmpeg_mode: choiceField(['auto', 'manual', 'timestring']),
  ffmpeg_outdir: textField(),
  ffmpeg_timestring: textField(),
  ffmpeg_image_path: textField(),
  ffmpeg_mp4_path: textField(),
  ffmpeg_gif_path: textField(),
  ffmpeg_extension: textField(),
  ffmpeg_maxframes: integerField(1),
  ffmpeg_fps: numberField({ above: 0 }),
  display_ffmpeg: flagField(),
  debug: flagField(),
};
