/**
 * `cv2.resize(img, (W, H))` with OpenCV's default INTER_LINEAR (8-bit, bit-exact fixed point), through opencv.js.
 * Deforum reads hybrid video frames with `cv2.resize(img, (W, H), cv2.INTER_AREA)`; the flag lands in the `dst`
 * position and is ignored, so the frames are resized bilinearly (spec §12, §24 item 30, kept: B).
 */
import { loadOpenCv, withMats } from './opencv.js';
import { rawImageFrom, type RawImage } from './raw-image.js';

/** Resizes an 8-bit image to width×height like `cv2.resize` with INTER_LINEAR; same size returns a copy. */
export async function resizeBilinearCv(image: RawImage<'u8'>, width: number, height: number): Promise<RawImage<'u8'>> {
  if (image.width === width && image.height === height) {
    return rawImageFrom('u8', width, height, image.channels, Uint8Array.from(image.data));
  }
  const { cv } = await loadOpenCv();
  const types = { 1: cv.CV_8UC1, 3: cv.CV_8UC3, 4: cv.CV_8UC4 } as const;
  return withMats((track) => {
    const src = track(new cv.Mat(image.height, image.width, types[image.channels]));
    src.data.set(image.data);
    const dst = track(new cv.Mat());
    cv.resize(src, dst, new cv.Size(width, height), 0, 0, cv.INTER_LINEAR);
    return rawImageFrom('u8', width, height, image.channels, Uint8Array.from(dst.data));
  });
}
