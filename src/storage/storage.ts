/**
 * Where a job's files live (init image, frames, checkpoints, the video): one small interface (storage-keys.ts)
 * with two backends, chosen by one URL (DEFORUM_STORAGE_URL):
 *
 * - `file:///srv/deforum` or a plain path: LocalStorage, a directory (one machine or a shared volume);
 * - `s3://bucket/prefix`: S3Storage, any S3-compatible store; endpoint, region and credentials from the standard
 *   AWS environment variables (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, ...).
 */
import { fileURLToPath } from 'node:url';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { LocalStorage } from './storage-local.js';
import { S3Storage } from './storage-s3.js';
import type { Storage } from './storage-keys.js';

export * from './storage-keys.js';
export { LocalStorage } from './storage-local.js';
export { S3Storage, type S3StorageOptions } from './storage-s3.js';

/** Opens the storage a DEFORUM_STORAGE_URL names; `env` supplies the AWS settings of an `s3://` URL. */
export function openStorage(location: string, env: NodeJS.ProcessEnv = {}): Storage {
  if (location.startsWith('s3://')) {
    const url = new URL(location);
    if (url.hostname === '') throw new RangeError(`'${location}' names no bucket (s3://bucket/prefix)`);
    return new S3Storage({
      bucket: url.hostname,
      prefix: decodeURIComponent(url.pathname.replace(/^\/+/, '')),
      clientConfig: s3ClientConfig(env),
    });
  }
  if (location.startsWith('file://')) return new LocalStorage(fileURLToPath(location));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new RangeError(`storage '${location}' is neither file:// nor s3://`);
  }
  return new LocalStorage(location);
}

/**
 * The SDK reads credentials and region itself; a custom endpoint (MinIO, R2, s3rver) is given explicitly so it is
 * addressed path-style, with checksums only where the API requires them (what S3-compatible stores accept).
 */
function s3ClientConfig(env: NodeJS.ProcessEnv): S3ClientConfig {
  const endpoint = env['AWS_ENDPOINT_URL_S3'] ?? env['AWS_ENDPOINT_URL'];
  const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  const sessionToken = env['AWS_SESSION_TOKEN'];
  // Keys in `env` win; without them the SDK's own chain (profiles, instance roles, ...) finds credentials.
  const credentials =
    accessKeyId !== undefined && secretAccessKey !== undefined
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken !== undefined && { sessionToken }) } }
      : {};
  if (endpoint === undefined || endpoint === '') return { region, ...credentials };
  return {
    region,
    ...credentials,
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}
