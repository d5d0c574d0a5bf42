/**
 * Moves an image along a dense flow: the notebook's `image_transform_optical_flow(img, flow, border_mode)` with
 * its `remap` helper (helpers/hybrid_video.py, spec §12.1). The map is x − dx, y − dy (the flow is negated, then
 * the pixel grid added, in float32); the image is padded by ⌊H/4⌋ rows and ⌊W/4⌋ columns on every side with
 * `copyMakeBorder`, remapped with INTER_LINEAR and the same border mode, and the centre cropped back.
 * `copyMakeBorder` has no BORDER_WRAP, so the original replaces `wrap` by BORDER_REFLECT_101; `replicate` stays.
 * Both the padding and the remap run in opencv.js, OpenCV's own code (the remap quantises positions to 1/32 px,
 * which a plain float bilinear sampler does not: golden README "flow_apply").
 * Only the centre of the padded remap survives the crop, and each output pixel depends on its own map entry
 * alone, so the map is built for the centre only.
 */
import { loadOpenCv, withMats } from '../opencv.js';
import { createRawImage, type PixelFormat, type RawImage } from '../raw-image.js';
import type { BorderMode } from '../warp-perspective.js';

/** `image_transform_optical_flow(img, flow, border)`; `flow` is (H, W, 2) interleaved (dx, dy), not modified. */
export async function applyFlow<F extends PixelFormat>(
  image: RawImage<F>,
  flow: Float32Array,
  border: BorderMode,
): Promise<RawImage<F>> {
  const { width, height, channels } = image;
  if (flow.length !== width * height * 2) {
    throw new RangeError(`A flow for ${width}×${height} needs ${width * height * 2} values, got ${flow.length}.`);
  }
  const { cv } = await loadOpenCv();
  const borderType = border === 'wrap' ? cv.BORDER_REFLECT_101 : cv.BORDER_REPLICATE;
  const padY = Math.trunc(height * 0.25);
  const padX = Math.trunc(width * 0.25);
  const out = createRawImage(image.format, width, height, channels);
  // Widened to the union so that the format narrows the sample arrays below.
  const source = image as RawImage;
  const target = out as RawImage;
  withMats((keep) => {
    const type = cv[`CV_${source.format === 'u8' ? '8U' : '32F'}C${channels}`];
    const src = keep(new cv.Mat(height, width, type));
    if (source.format === 'u8') src.data.set(source.data);
    else src.data32F.set(source.data);
    const padded = keep(new cv.Mat());
    cv.copyMakeBorder(src, padded, padY, padY, padX, padX, borderType, new cv.Scalar());
    const mapX = keep(new cv.Mat(height, width, cv.CV_32FC1));
    const mapY = keep(new cv.Mat(height, width, cv.CV_32FC1));
    const mx = mapX.data32F;
    const my = mapY.data32F;
    const f = Math.fround;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const k = y * width + x;
        // Two float32 roundings, as numpy does them: `-flow + grid`, then `+ offset` in extend_flow.
        mx[k] = f(f(x - (flow[2 * k] ?? 0)) + padX);
        my[k] = f(f(y - (flow[2 * k + 1] ?? 0)) + padY);
      }
    }
    const dst = keep(new cv.Mat());
    cv.remap(padded, dst, mapX, mapY, cv.INTER_LINEAR, borderType, new cv.Scalar());
    if (target.format === 'u8') target.data.set(dst.data);
    else target.data.set(dst.data32F);
  });
  return out;
}
