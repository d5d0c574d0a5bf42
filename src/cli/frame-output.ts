/**
 * Saves a render's frames and feeds the MP4 without holding up the loop (issue 6, "Speed": saving and encoding
 * overlap with the model). Each frame's file is written while the loop goes on to the next frame; frames go to
 * the stream encoder one at a time in video order. At most MAX_FRAMES_IN_FLIGHT frames wait to be saved or
 * encoded; the next `add` waits for room, so a slow disk or encoder slows the render instead of filling memory.
 */
import type { Mp4Stream } from '../core/video/stream-encoder.js';
import type { RawImage } from '../core/image/raw-image.js';

/** A few frames: enough to cover a cadence burst of in-betweens while the next diffusion runs. */
const MAX_FRAMES_IN_FLIGHT = 8;

export interface FrameOutputOptions {
  /** The MP4 fed while rendering, or null for none. */
  video: Mp4Stream | null;
  /** Frames 0…videoFrames−1 go into the video (`ffmpeg_maxframes`). */
  videoFrames: number;
  /** The first frame this run adds (frames before it are on disk from before a resume). */
  firstFrame: number;
  /** Called with the number of frames on disk without a gap from frame 0. */
  onSaved?: (framesSaved: number) => void;
}

export interface FrameOutput {
  /**
   * Starts `save()` and the video write of frame `frame` (frames come in order); resolves when there is room for
   * another. `afterSaved` (a checkpoint) runs in frame order once this frame and every earlier one are saved, so
   * it never points past the frames on disk.
   */
  add(frame: number, image: RawImage<'u8'>, save: () => Promise<void>, afterSaved?: () => Promise<void>): Promise<void>;
  /** Frames 0…n−1 are on disk. */
  readonly framesSaved: number;
  /** Waits for every frame added so far to be saved and encoded; rejects with the first failure. */
  flush(): Promise<void>;
  /**
   * Waits for every frame to be saved and finishes the MP4 (when there is one): the encoder's input ends as soon as
   * its last frame is in, so it encodes what it still holds while the last files are written.
   */
  finish(): Promise<void>;
  /** Stops the encoder (its unfinished file is removed) after the frames added so far are saved. */
  abort(): Promise<void>;
}

export function createFrameOutput(options: FrameOutputOptions): FrameOutput {
  const { video, videoFrames } = options;
  const inFlight = new Set<Promise<void>>();
  const saved = new Set<number>();
  let framesSaved = options.firstFrame;
  let videoChain: Promise<void> = Promise.resolve();
  let commitChain: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;

  const track = (work: Promise<void>): void => {
    const settled = work.then(
      () => undefined,
      (error: unknown) => {
        failure ??= { error };
      },
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
  };
  const throwIfFailed = (): void => {
    if (failure !== null) throw failure.error;
  };
  const flush = async (): Promise<void> => {
    while (inFlight.size > 0) await Promise.all(inFlight);
    throwIfFailed();
  };

  return {
    get framesSaved() {
      return framesSaved;
    },
    async add(frame, image, save, afterSaved) {
      throwIfFailed();
      const saving = save().then(() => {
        saved.add(frame);
        while (saved.delete(framesSaved)) framesSaved++;
        options.onSaved?.(framesSaved);
      });
      track(saving);
      if (afterSaved !== undefined) {
        commitChain = commitChain.then(() => saving).then(afterSaved);
        track(commitChain);
      }
      if (video !== null && frame < videoFrames) {
        videoChain = videoChain.then(() => video.write(image));
        track(videoChain);
      }
      while (inFlight.size >= MAX_FRAMES_IN_FLIGHT) await Promise.race(inFlight);
      throwIfFailed();
    },
    flush,
    async finish() {
      const encoded = video === null ? Promise.resolve() : videoChain.then(() => video.finish());
      // A failed save leaves the MP4 to abort(); the encoder's own failure is not lost meanwhile.
      encoded.catch(() => undefined);
      await flush();
      await encoded;
    },
    async abort() {
      await Promise.all(inFlight);
      await video?.abort();
    },
  };
}
