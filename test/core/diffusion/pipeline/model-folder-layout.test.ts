import { describe, expect, it } from 'vitest';
import {
  checkModelFolderLayout,
  REQUIRED_MODEL_FILES,
} from '../../../../src/core/diffusion/pipeline/model-folder-layout.js';

const COMPLETE = [
  'model_index.json',
  'scheduler/scheduler_config.json',
  'tokenizer/merges.txt',
  'tokenizer/vocab.json',
  'text_encoder/model.onnx',
  'unet/model.onnx',
  'unet/weights.pb',
  'vae_decoder/model.onnx',
  'vae_encoder/model.onnx',
];

describe('checkModelFolderLayout', () => {
  it('accepts a complete export and reports the UNet external weights', () => {
    expect(checkModelFolderLayout(COMPLETE)).toStrictEqual({
      ok: true,
      missing: [],
      externalData: { unet: ['unet/weights.pb'] },
    });
  });

  it.each(REQUIRED_MODEL_FILES.map((file) => [file.path] as const))('names %s when it is missing', (missingPath) => {
    const layout = checkModelFolderLayout(COMPLETE.filter((file) => file !== missingPath));
    expect(layout.ok).toBe(false);
    expect(layout.missing.map((file) => file.path)).toStrictEqual([missingPath]);
  });

  it('accepts Windows separators and ./ prefixes, and ignores files in the wrong folder', () => {
    const windows = COMPLETE.map((file) => `.\\${file.replaceAll('/', '\\')}`.replace('.\\', './'));
    expect(checkModelFolderLayout(windows).ok).toBe(true);
    const misplaced = checkModelFolderLayout([...COMPLETE.filter((f) => f !== 'unet/model.onnx'), 'model.onnx']);
    expect(misplaced.missing.map((file) => file.path)).toStrictEqual(['unet/model.onnx']);
  });
});
