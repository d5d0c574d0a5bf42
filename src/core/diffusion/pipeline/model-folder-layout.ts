/**
 * Which files a diffusers ONNX export of Stable Diffusion needs (the layout `OnnxStableDiffusionPipeline` loads):
 * a pure check over the folder's relative file paths, shared by `deforum models check` and the model loader.
 * Deforum renders img2img after frame 0, so the VAE encoder is required, unlike for text-to-image alone.
 */

export interface RequiredFile {
  /** Relative POSIX path inside the model folder. */
  path: string;
  purpose: string;
}

export interface ModelFolderLayout {
  ok: boolean;
  missing: RequiredFile[];
  /** External weight files found beside each component's model.onnx (`weights.pb`, `model.onnx_data`). */
  externalData: Record<string, string[]>;
}

export const REQUIRED_MODEL_FILES: readonly RequiredFile[] = [
  { path: 'model_index.json', purpose: 'the pipeline index' },
  { path: 'text_encoder/model.onnx', purpose: 'the CLIP text encoder' },
  { path: 'unet/model.onnx', purpose: 'the UNet' },
  { path: 'vae_encoder/model.onnx', purpose: 'the VAE encoder (init images, every frame after the first)' },
  { path: 'vae_decoder/model.onnx', purpose: 'the VAE decoder' },
  { path: 'tokenizer/vocab.json', purpose: 'the CLIP tokenizer vocabulary' },
  { path: 'tokenizer/merges.txt', purpose: 'the CLIP tokenizer merges' },
  { path: 'scheduler/scheduler_config.json', purpose: 'the noise schedule (betas)' },
];

const COMPONENTS = ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder'] as const;
const EXTERNAL_DATA = /^(weights\.pb|model\.onnx_data|model\.onnx\.data)$/;

/** Checks a folder given as the relative paths of the files in it (any depth, `/` or `\` separators). */
export function checkModelFolderLayout(files: readonly string[]): ModelFolderLayout {
  const present = new Set(files.map((file) => file.replaceAll('\\', '/').replace(/^\.\//, '')));
  const missing = REQUIRED_MODEL_FILES.filter((file) => !present.has(file.path));
  const externalData: Record<string, string[]> = {};
  for (const component of COMPONENTS) {
    const found = [...present].filter((file) => {
      const [folder, name, ...rest] = file.split('/');
      return folder === component && rest.length === 0 && EXTERNAL_DATA.test(name ?? '');
    });
    if (found.length > 0) externalData[component] = found.sort();
  }
  return { ok: missing.length === 0, missing: [...missing], externalData };
}
