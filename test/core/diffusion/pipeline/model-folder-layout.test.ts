import { describe, expect, it } from 'vitest';
import {
  checkModelFolderLayout,
  REQUIRED_MODEL_FILES,
} from '../../../../src/core/diffusion/pipeline/model-folder-layout.js';
import { KNOWN_MODELS } from '../../../../src/models/registry.js';

/** The files `deforum models fetch sd-1.5-onnx` downloads: a complete export. */
const COMPLETE = KNOWN_MODELS.find((model) => model.name === 'sd-1.5-onnx')?.files.map((file) => file.path) ?? [];

describe('checkModelFolderLayout', () => {
  it('accepts a complete export and reports the UNet external weights', () => {
    expect(checkModelFolderLayout(COMPLETE)).toStrictEqual({
      ok: true,
      missing: [],
      externalData: { unet: ['unet/weights.pb'] },
    });
  });

  it.each(KNOWN_MODELS.map((model) => [model.name, model] as const))(
    '%s downloads a complete export',
    (_name, model) => {
      expect(checkModelFolderLayout(model.files.map((file) => file.path)).missing).toStrictEqual([]);
    },
  );

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
