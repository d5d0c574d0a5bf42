/**
 * `deforum models check DIR` (is this folder a complete diffusers ONNX export?) and `deforum models fetch NAME
 * --to DIR` (download a known export from the Hugging Face Hub, resumable and checksummed). The Hub address comes
 * from DEFORUM_HF_ENDPOINT, then HF_ENDPOINT (as huggingface_hub reads it), then https://huggingface.co.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { SAFETY_CHECKER_FILE } from '../../core/diffusion/pipeline/load-optional-models.js';
import { checkModelFolderLayout } from '../../core/diffusion/pipeline/model-folder-layout.js';
import { DeforumError } from '../../core/errors.js';
import { downloadHubFile } from '../../models/hub-download.js';
import { KNOWN_MODELS, type KnownModel } from '../../models/registry.js';
import { startByteProgress } from '../download-progress.js';

const DEFAULT_ENDPOINT = 'https://huggingface.co';

async function listFiles(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DeforumError(
      { code: 'model_folder_invalid', folder, missing: [], reason },
      `Cannot read the model folder ${folder}: ${reason}. Give the folder that holds model_index.json.`,
      { cause },
    );
  }
}

async function checkFolder(folder: string): Promise<void> {
  const files = await listFiles(folder);
  const layout = checkModelFolderLayout(files);
  if (!layout.ok) {
    const lines = layout.missing.map((file) => `  ${file.path}  (${file.purpose})`).join('\n');
    throw new DeforumError(
      { code: 'model_folder_invalid', folder, missing: layout.missing.map((file) => file.path), reason: 'incomplete' },
      `${folder} is not a complete diffusers ONNX export; missing:\n${lines}\n` +
        'Export the model with diffusers/optimum to ONNX, or run `deforum models fetch` into an empty folder.',
    );
  }
  const external = Object.entries(layout.externalData).map(
    ([component, files]) => ` (${component}: ${files.join(', ')})`,
  );
  process.stdout.write(`${folder}: complete diffusers ONNX export${external.join('')}\n`);
  process.stdout.write(
    files.includes(SAFETY_CHECKER_FILE)
      ? `safety checker: ${SAFETY_CHECKER_FILE} (workers flag the jobs it flags)\n`
      : `no safety checker (${SAFETY_CHECKER_FILE}): workers never flag a job\n`,
  );
}

function findModel(name: string): KnownModel {
  const model = KNOWN_MODELS.find((known) => known.name === name);
  if (!model) {
    const known = KNOWN_MODELS.map((known) => known.name);
    throw new DeforumError(
      { code: 'model_unknown', name, known },
      `Unknown model '${name}'. Known models: ${known.join(', ')} (see \`deforum models list\`).`,
    );
  }
  return model;
}

async function fetchModel(name: string, folder: string): Promise<void> {
  const model = findModel(name);
  const endpoint = process.env.DEFORUM_HF_ENDPOINT ?? process.env.HF_ENDPOINT ?? DEFAULT_ENDPOINT;
  if (!model.pinned) {
    process.stderr.write(
      `note: ${model.name} is not pinned to a commit with known checksums; files are checked against the ` +
        `sha256 the Hub reports.\n`,
    );
  }
  for (const file of model.files) {
    const progress = startByteProgress(file.path);
    try {
      const result = await downloadHubFile({
        endpoint,
        repo: model.repo,
        revision: model.revision,
        file,
        destination: path.join(folder, ...file.path.split('/')),
        onProgress: (done, total) => progress.update(done, total),
      });
      progress.stop();
      const resumed = result.resumedFrom > 0 ? `, resumed at ${result.resumedFrom} bytes` : '';
      const checked = result.checkedBy === 'none' ? 'size only' : `sha256 from the ${result.checkedBy}`;
      const what =
        result.status === 'already_present' ? 'already present' : `${result.bytes} bytes, ${checked}${resumed}`;
      process.stdout.write(`${file.path}: ${what}\n`);
    } catch (error) {
      progress.stop();
      throw error;
    }
  }
  await checkFolder(folder);
}

export function registerModelsCommand(program: Command): void {
  const models = program.command('models').description('Check and download Stable Diffusion ONNX model folders');

  models
    .command('list')
    .description('List the model exports `models fetch` knows')
    .action(() => {
      const width = Math.max(...KNOWN_MODELS.map((model) => model.name.length));
      process.stdout.write(
        KNOWN_MODELS.map(
          (model) => `${model.name.padEnd(width)}  ${model.description} (${model.repo}@${model.revision})\n`,
        ).join(''),
      );
    });

  models
    .command('check')
    .description('Check that a folder holds every file a diffusers ONNX export needs; lists what is missing')
    .argument('<dir>', 'model folder (the one with model_index.json)')
    .action((dir: string) => checkFolder(dir));

  models
    .command('fetch')
    .description('Download a known ONNX export from the Hugging Face Hub (resumes, verifies sha256)')
    .argument('<name>', 'model name (see `deforum models list`)')
    .requiredOption('--to <dir>', 'folder to download into')
    .action((name: string, options: { to: string }) => fetchModel(name, options.to));
}
