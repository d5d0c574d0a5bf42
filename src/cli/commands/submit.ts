/**
 * `deforum submit SETTINGS [--init FILE] [--preview] [--user ID]`: validates the settings, stores the init image
 * under the new job's id, queues the job with its cost reserved, and prints the job id alone on stdout (for
 * scripts: `id=$(deforum submit ...)`). Workers anywhere pick it up.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { DeforumError } from '../../core/errors.js';
import { newJobId, type AttachmentInput } from '../../jobs/job-store.js';
import { jobFileKey } from '../../storage/storage.js';
import { usageError } from '../cli-arguments.js';
import { withJobServices } from '../job-services.js';
import { loadSettingsFile } from '../load-settings.js';

interface SubmitOptions {
  init?: string;
  preview?: boolean;
  user: string;
  model: string;
  priority: number;
}

const INIT_TYPES: Readonly<Record<string, { extension: string; contentType: string }>> = {
  '.png': { extension: 'png', contentType: 'image/png' },
  '.jpg': { extension: 'jpg', contentType: 'image/jpeg' },
  '.jpeg': { extension: 'jpg', contentType: 'image/jpeg' },
  '.webp': { extension: 'webp', contentType: 'image/webp' },
};

export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description('Queue a render for the worker fleet and print its job id')
    .argument('<settings>', 'settings file (notebook, A1111 extension or preset JSON)')
    .option('--init <image>', 'the first frame (PNG/JPEG/WebP), stored with the job')
    .option('--preview', 'render the camera motion only, without diffusion (costs no render units)')
    .option('--user <id>', 'the user the job is charged to', 'cli')
    .option('--model <name>', 'the model a worker must have', 'sd-1.5-onnx')
    .option('--priority <n>', 'higher runs first among your own jobs', priorityOption, 0)
    .action(async (file: string, options: SubmitOptions) => {
      const { settings: loaded, warnings } = await loadSettingsFile(file);
      for (const warning of warnings) process.stderr.write(`warning: ${warning.message}\n`);
      const init = options.init === undefined ? undefined : await readInit(options.init);
      const settings = init === undefined ? loaded : { ...loaded, use_init: true, init_image: null };
      const id = newJobId();
      await withJobServices(async ({ jobs, storage }) => {
        const attachments: AttachmentInput[] = [];
        if (init !== undefined) {
          const storageKey = jobFileKey(id, 'init', init.extension);
          await storage.put(storageKey, init.bytes);
          attachments.push({
            kind: 'init',
            storageKey,
            sizeBytes: init.bytes.byteLength,
            contentType: init.contentType,
          });
        }
        try {
          await jobs.enqueue({
            id,
            userId: options.user,
            settings,
            model: options.model,
            preview: options.preview === true,
            priority: options.priority,
            attachments,
          });
        } catch (error) {
          await storage.deleteJob(id);
          throw error;
        }
      });
      process.stdout.write(`${id}\n`);
    });
}

async function readInit(file: string): Promise<{ bytes: Buffer; extension: string; contentType: string }> {
  const type = INIT_TYPES[path.extname(file).toLowerCase()];
  if (type === undefined) {
    throw usageError('--init', `${file} is not a PNG, JPEG or WebP image (by its extension); give one of those`);
  }
  try {
    return { bytes: await readFile(file), ...type };
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DeforumError({ code: 'image_unreadable', source: file, reason }, `cannot read ${file}: ${reason}`, {
      cause,
    });
  }
}

function priorityOption(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || Math.abs(value) > 1000) {
    throw usageError('--priority', `'${text}' is not a whole number from -1000 to 1000`);
  }
  return value;
}
