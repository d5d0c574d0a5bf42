/** What the real ffprobe reports about a video's first stream, frames counted by decoding. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProbedStream {
  codec_name?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  nb_read_frames?: string;
  r_frame_rate?: string;
}

export async function probeVideo(file: string): Promise<ProbedStream> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,pix_fmt,width,height,nb_read_frames,r_frame_rate',
    '-of',
    'json',
    file,
  ]);
  const parsed = JSON.parse(stdout) as { streams: ProbedStream[] };
  return parsed.streams[0] ?? {};
}
