/**
 * The `use_mask` masks of one mask image as a render prepares them (spec §15, load_mask_latent + prepare_mask +
 * prepare_overlay_mask): the image (the mask file or a mask-video frame, RGBA, or the init image with
 * `use_alpha_as_mask`) is stretched with PIL's Lanczos to (W/8)×(H/8) for the latent mask and to W×H for the
 * overlay, each prepared by mask.ts; the overlay is binarised and blurred (item 35, B) when `overlay_mask` is on.
 */
import { resizePil } from '../diffusion/models/depth/resize-pil.js';
import { prepareMask, type MaskOptions, type MaskPlane } from '../image/mask.js';
import { overlayMask } from '../image/overlay-mask.js';
import type { RawImage } from '../image/raw-image.js';
import type { RequestMask } from './frame-generator.js';

export interface MaskSettings {
  W: number;
  H: number;
  use_alpha_as_mask: boolean;
  mask_brightness_adjust: number;
  mask_contrast_adjust: number;
  invert_mask: boolean;
  overlay_mask: boolean;
  mask_overlay_blur: number;
}

export interface PreparedMasks {
  latent: MaskPlane;
  /** The overlay mask, binarised and blurred; null with overlay_mask off. */
  overlay: MaskPlane | null;
}

export function prepareMasks(image: RawImage<'u8'>, settings: MaskSettings): PreparedMasks {
  const plane = (width: number, height: number): MaskPlane => {
    const options: MaskOptions = {
      width,
      height,
      useAlpha: settings.use_alpha_as_mask,
      brightness: settings.mask_brightness_adjust,
      contrast: settings.mask_contrast_adjust,
      invert: settings.invert_mask,
    };
    const sized = image.width === width && image.height === height ? image : resizePil(image, width, height, 'lanczos');
    return prepareMask(sized, options);
  };
  return {
    latent: plane(settings.W / 8, settings.H / 8),
    overlay: settings.overlay_mask ? overlayMask(plane(settings.W, settings.H), settings.mask_overlay_blur) : null,
  };
}

/** The request's masks when the overlay keeps the frame's own init (stills, Video Input, Interpolation, frame 0). */
export function requestMask(masks: PreparedMasks): RequestMask {
  return { latent: masks.latent, overlay: masks.overlay === null ? null : { mask: masks.overlay, original: 'init' } };
}
