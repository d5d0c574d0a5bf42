/**
 * The one door to opencv.js (OpenCV 4.12 compiled to WASM, pinned exactly): it gave cv2-identical results for
 * the colour conversions and filters Deforum calls (runtime-notes A). Two traps are handled here once:
 * the module object has a `.then` method, so it is never awaited or returned from an async function (that
 * recurses forever) — callers get `{ cv }`; and every Mat lives on the WASM heap, so `withMats` deletes what a
 * scope allocates.
 */
import { createRequire } from 'node:module';
import type CV from '@techstark/opencv-js';

type OpenCv = typeof CV;

let loading: Promise<{ cv: OpenCv }> | undefined;

/** Loads the WASM module once per process; later calls share the same instance. */
export function loadOpenCv(): Promise<{ cv: OpenCv }> {
  loading ??= new Promise((resolve) => {
    const cv = createRequire(import.meta.url)('@techstark/opencv-js') as OpenCv & { onRuntimeInitialized?: () => void };
    if (typeof cv.Mat === 'function') resolve({ cv });
    else cv.onRuntimeInitialized = () => resolve({ cv });
  });
  return loading;
}

/** Runs `fn` and deletes every Mat it registered with `keep`, also when it throws. */
export function withMats<T>(fn: (track: <M extends { delete(): void }>(mat: M) => M) => T): T {
  const mats: { delete(): void }[] = [];
  try {
    return fn((mat) => {
      mats.push(mat);
      return mat;
    });
  } finally {
    for (const mat of mats) mat.delete();
  }
}
