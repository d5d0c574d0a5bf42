/**
 * The MiDaS input transform DepthModel uses for DPT-Large (`midas/transforms.py`): `Resize(384, 384,
 * keep_aspect_ratio=True, ensure_multiple_of=32, resize_method="minimal", INTER_CUBIC)`, then `NormalizeImage(mean
 * 0.5, std 0.5)`, then `PrepareForNet` (HWC → CHW float32), on the image scaled to 0…1 (spec §10).
 */
import type { RawImage } from '../../../image/raw-image.js';
import { resizeCubic } from './resize-cubic.js';

const NET_SIZE = 384;
const MULTIPLE_OF = 32;

/** numpy's `np.round`: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The network input size for a width×height image: one common factor, whichever of 384/H and 384/W is closer to
 * 1, then each side rounded to the nearest multiple of 32. The original hands cv2 a zero side (and crashes) for
 * extreme aspect ratios such as 2048×64; we keep one block of 32 instead.
 */
export function midasInputSize(width: number, height: number): { width: number; height: number } {
  let scaleWidth = NET_SIZE / width;
  let scaleHeight = NET_SIZE / height;
  if (Math.abs(1 - scaleWidth) < Math.abs(1 - scaleHeight)) scaleHeight = scaleWidth;
  else scaleWidth = scaleHeight;
  const constrain = (x: number): number => Math.max(MULTIPLE_OF, roundHalfEven(x / MULTIPLE_OF) * MULTIPLE_OF);
  return { width: constrain(scaleWidth * width), height: constrain(scaleHeight * height) };
}

/** The NCHW float32 tensor (shape [1, 3, h, w]) fed to MiDaS for an RGB image with samples on the 0…255 scale. */
export function midasInput(image: RawImage): { data: Float32Array; shape: number[] } {
  const { width, height } = image;
  if (image.channels !== 3) throw new RangeError(`MiDaS needs an RGB image, got ${image.channels} channels.`);
  // `img.astype(np.float32) / 255.0` is a float32 division.
  const unit = new Float32Array(image.data.length);
  for (let i = 0; i < unit.length; i++) unit[i] = (image.data[i] ?? 0) / 255;
  const size = midasInputSize(width, height);
  const resized = resizeCubic(unit, width, height, 3, size.width, size.height);
  const plane = size.width * size.height;
  const data = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[c * plane + i] = ((resized[i * 3 + c] ?? 0) - 0.5) / 0.5;
  }
  return { data, shape: [1, 3, size.height, size.width] };
}
