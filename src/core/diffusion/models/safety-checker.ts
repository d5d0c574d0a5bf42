/**
 * The export's safety checker (diffusers `OnnxStableDiffusionPipeline.run_safety_checker`): flags frames, and
 * leaves what to do with a flag to the caller (the bot). The frame goes in twice, as diffusers feeds it:
 * `clip_input` [B, 3, 224, 224] from `CLIPFeatureExtractor` (shortest side to 224 with Pillow bicubic, centre crop,
 * /255, CLIP mean/std) and `images` [B, H, W, 3] in 0…1; `has_nsfw_concepts` [B] bool comes back. It reads the
 * 8-bit frame as saved (`sampleToImage` truncates where diffusers' `numpy_to_pil` rounds: one level at most).
 */
import type { RawImage } from '../../image/raw-image.js';
import type { ModelSession } from '../onnx/model-session.js';
import { resizePil } from './depth/resize-pil.js';
import { requireInput, requireOutput } from './model-io.js';

const CLIP_SIZE = 224;
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

export interface SafetyChecker {
  /** One flag per 8-bit RGB frame: true where the checker found an NSFW concept. */
  check(frames: readonly RawImage<'u8'>[]): Promise<boolean[]>;
}

export function createSafetyChecker(session: ModelSession): SafetyChecker {
  const clipInput = requireInput(session, { names: ['clip_input'], types: ['float32', 'float16'], rank: 4 });
  const images = requireInput(session, { names: ['images'], types: ['float32', 'float16'], rank: 4 });
  const flags = requireOutput(session, { names: ['has_nsfw_concepts'], types: ['bool'], rank: 1 });
  return {
    async check(frames) {
      const result: boolean[] = [];
      // One frame per call: exports often fix the batch at 1, and frames arrive one at a time anyway.
      for (const frame of frames) {
        if (frame.channels !== 3)
          throw new RangeError(`the safety checker reads RGB frames, got ${frame.channels} channels`);
        const out = await session.run({
          [clipInput.name]: { kind: 'float', dims: [1, 3, CLIP_SIZE, CLIP_SIZE], data: clipPixels(frame) },
          [images.name]: { kind: 'float', dims: [1, frame.height, frame.width, 3], data: unitPixels(frame) },
        });
        const flag = out[flags.name];
        if (flag === undefined) throw new Error(`${session.model}: no '${flags.name}' in the outputs`);
        result.push((flag.data[0] ?? 0) !== 0);
      }
      return result;
    },
  };
}

/** `CLIPFeatureExtractor`: resize the shortest side to 224, centre-crop 224², normalise, CHW. */
function clipPixels(frame: RawImage<'u8'>): Float32Array {
  const { width, height } = frame;
  const short = Math.min(width, height);
  const long = Math.trunc((CLIP_SIZE * Math.max(width, height)) / short);
  const resized = resizePil(frame, width <= height ? CLIP_SIZE : long, width <= height ? long : CLIP_SIZE, 'bicubic');
  const top = Math.trunc((resized.height - CLIP_SIZE) / 2);
  const left = Math.trunc((resized.width - CLIP_SIZE) / 2);
  const plane = CLIP_SIZE * CLIP_SIZE;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < CLIP_SIZE; y++) {
    for (let x = 0; x < CLIP_SIZE; x++) {
      const source = ((top + y) * resized.width + left + x) * 3;
      for (let c = 0; c < 3; c++) {
        const unit = (resized.data[source + c] ?? 0) / 255;
        out[c * plane + y * CLIP_SIZE + x] = (unit - (CLIP_MEAN[c] ?? 0)) / (CLIP_STD[c] ?? 1);
      }
    }
  }
  return out;
}

function unitPixels(frame: RawImage<'u8'>): Float32Array {
  return Float32Array.from(frame.data, (v) => v / 255);
}
