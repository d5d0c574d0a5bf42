// Loading a diffusers ONNX export folder: SD1 and SD2 layouts, and the exact messages for a folder that cannot work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadComponents } from '../../../../src/core/diffusion/pipeline/components.js';
import { createSessionHost } from '../../../../src/core/diffusion/onnx/session.js';
import { tinyTextEncoder, tinyUNet, writeModel, writeTinyExport } from '../../../support/tiny-onnx.js';

const root = mkdtempSync(path.join(tmpdir(), 'deforum-components-'));
const host = createSessionHost({ intraOpThreads: 1 });
afterAll(() => host.close());
const folder = (name: string) => path.join(root, name);

describe('loadComponents', () => {
  it('loads an SD1 export: epsilon, 768 wide, PNDM config, default VAE scale', async () => {
    const components = await loadComponents(writeTinyExport(folder('sd1'), { unetExternalData: 'weights.pb' }), host);
    expect(components.scheduler).toEqual({
      className: 'PNDMScheduler',
      numTrainTimesteps: 1000,
      betaStart: 0.00085,
      betaEnd: 0.012,
      betaSchedule: 'scaled_linear',
      trainedBetas: null,
      predictionType: 'epsilon',
      stepsOffset: 1,
    });
    expect(components.textEncoder.hiddenSize).toBe(768);
    expect(components.unet.contextSize).toBe(768);
    expect(components.unet.batchesPair).toBe(true);
    expect(components.vaeScalingFactor).toBe(0.18215);
    expect(components.tokenizer.padId).toBe(49407);
    await components.release();
  });

  it('loads an SD2 export: v_prediction, 1024 wide, pads with "!", VAE scale from its config', async () => {
    const dir = writeTinyExport(folder('sd2'), {
      variant: 'sd2',
      tokenizerFiles: 'vocab-merges',
      vaeScalingFactor: 0.13,
    });
    const components = await loadComponents(dir, host);
    expect(components.scheduler.predictionType).toBe('v_prediction');
    expect(components.scheduler.className).toBe('DDIMScheduler');
    expect(components.textEncoder.hiddenSize).toBe(1024);
    expect(components.tokenizer.padId).toBe(0);
    expect(components.vaeScalingFactor).toBe(0.13);
    await components.release();
  });

  it('names every missing file at once', async () => {
    const dir = writeTinyExport(folder('no-unet'));
    rmSync(path.join(dir, 'unet'), { recursive: true });
    rmSync(path.join(dir, 'tokenizer', 'tokenizer.json'));
    await expect(loadComponents(dir, host)).rejects.toMatchObject({
      details: {
        code: 'model_folder_invalid',
        missing: ['unet/model.onnx', 'tokenizer/tokenizer.json (or tokenizer/vocab.json + tokenizer/merges.txt)'],
      },
      message:
        `The model folder ${dir} is not a complete diffusers ONNX export: missing unet/model.onnx, ` +
        'tokenizer/tokenizer.json (or tokenizer/vocab.json + tokenizer/merges.txt). ' +
        'Export the model with diffusers (convert_stable_diffusion_checkpoint_to_onnx.py) or optimum-cli export onnx.',
    });
    await expect(loadComponents(folder('absent'), host)).rejects.toThrow(
      `The model folder ${folder('absent')} does not exist.`,
    );
  });

  it('names a wrongly named input', async () => {
    const dir = writeTinyExport(folder('renamed'));
    writeModel(path.join(dir, 'text_encoder', 'model.onnx'), tinyTextEncoder({ inputName: 'tokens' }));
    await expect(loadComponents(dir, host)).rejects.toThrow(
      "text_encoder: expected an input named 'input_ids', but the model declares 'tokens'. " +
        'Export the model with the diffusers ONNX exporter, which uses these names.',
    );
  });

  it('names a wrong dtype', async () => {
    const dir = writeTinyExport(folder('int-sample'));
    writeModel(path.join(dir, 'unet', 'model.onnx'), tinyUNet({ sampleType: 'int64' }));
    await expect(loadComponents(dir, host)).rejects.toMatchObject({
      details: {
        code: 'model_io_mismatch',
        model: 'unet',
        input: 'sample',
        expected: 'float32 or float16 of rank 4',
        got: 'int64 [batch, 4, height, width]',
      },
      message:
        "unet: input 'sample' must be float32 or float16 of rank 4, but the model declares int64 [batch, 4, height, width]. " +
        'Export the model with the diffusers ONNX exporter.',
    });
  });

  it('rejects a folder that mixes SD1 and SD2 components', async () => {
    const dir = writeTinyExport(folder('mixed'));
    writeModel(path.join(dir, 'unet', 'model.onnx'), tinyUNet({ hiddenSize: 1024 }));
    await expect(loadComponents(dir, host)).rejects.toThrow(
      /'encoder_hidden_states' is 1024 wide but the text encoder gives 768/,
    );
  });

  it('rejects a scheduler config it cannot honour', async () => {
    const dir = writeTinyExport(folder('sample-prediction'));
    writeFileSync(path.join(dir, 'scheduler', 'scheduler_config.json'), JSON.stringify({ prediction_type: 'sample' }));
    await expect(loadComponents(dir, host)).rejects.toMatchObject({ details: { code: 'model_folder_invalid' } });
    await expect(loadComponents(dir, host)).rejects.toThrow(
      /scheduler\/scheduler_config.json is not usable: prediction_type/,
    );
  });
});
