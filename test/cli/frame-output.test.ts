import { describe, expect, it } from 'vitest';
import { createFrameOutput } from '../../src/cli/frame-output.js';
import { createRawImage } from '../../src/core/image/raw-image.js';
import type { Mp4Stream } from '../../src/core/video/stream-encoder.js';

/** An MP4 stream that records what happens to it, in order. */
function recordingStream(log: string[]): Mp4Stream {
  let framesWritten = 0;
  return {
    get framesWritten() {
      return framesWritten;
    },
    write: () => {
      framesWritten++;
      log.push(`write ${framesWritten - 1}`);
      return Promise.resolve();
    },
    finish: () => {
      log.push('finish');
      return Promise.resolve(framesWritten);
    },
    abort: () => {
      log.push('abort');
      return Promise.resolve();
    },
  };
}

/** A save that waits until `release()` is called. */
function heldSave(log: string[], frame: number): { save: () => Promise<void>; release: () => void } {
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  return {
    save: async () => {
      await held;
      log.push(`saved ${frame}`);
    },
    release: () => release(),
  };
}

const image = createRawImage('u8', 2, 2, 3);

describe('createFrameOutput', () => {
  it('ends the MP4 input once its last frame is in, while the last files are still being written', async () => {
    const log: string[] = [];
    const output = createFrameOutput({ video: recordingStream(log), videoFrames: 2, firstFrame: 0 });
    const first = heldSave(log, 0);
    const second = heldSave(log, 1);
    await output.add(0, image, first.save);
    await output.add(1, image, second.save);
    const finished = output.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['write 0', 'write 1', 'finish']);
    first.release();
    second.release();
    await finished;
    expect(log).toEqual(['write 0', 'write 1', 'finish', 'saved 0', 'saved 1']);
    expect(output.framesSaved).toBe(2);
  });

  it('rejects finish with a failed save, and abort then stops the encoder', async () => {
    const log: string[] = [];
    const output = createFrameOutput({ video: recordingStream(log), videoFrames: 1, firstFrame: 0 });
    await output.add(0, image, () => Promise.reject(new Error('disk full')));
    await expect(output.finish()).rejects.toThrow('disk full');
    await output.abort();
    expect(log).toEqual(['write 0', 'finish', 'abort']);
    expect(output.framesSaved).toBe(0);
  });
});
