/**
 * Storage in any S3-compatible object store through `@aws-sdk/client-s3` (AWS S3, MinIO, R2, ...): a bucket and
 * an optional key prefix; the job keys go under the prefix unchanged. Region, credentials and endpoint come from
 * the SDK's standard sources (AWS_REGION, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile,
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL); a custom endpoint is addressed path-style, as most non-AWS stores need.
 * An S3 PUT is atomic, so readers never see half an object.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { checkKey, checkPrefix, jobPrefix, type JobFolder, type Storage } from './storage-keys.js';

/** Deletes run this many at a time (single-object deletes: every S3-compatible store has them). */
const DELETE_CONCURRENCY = 16;

export interface S3StorageOptions {
  bucket: string;
  /** Prepended to every key, e.g. `deforum/` (a trailing slash is added when missing). */
  prefix?: string;
  /** A client of the caller's; otherwise one is made from `clientConfig` and the standard AWS environment. */
  client?: S3Client;
  clientConfig?: S3ClientConfig;
}

export class S3Storage implements Storage {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    const prefix = options.prefix ?? '';
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.client = options.client ?? new S3Client(options.clientConfig ?? {});
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Body: bytes }));
  }

  async get(key: string): Promise<Buffer> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    if (object.Body === undefined) throw new Error(`s3://${this.bucket}/${this.objectKey(key)} has no body`);
    return Buffer.from(await object.Body.transformToByteArray());
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async list(prefix: string): Promise<string[]> {
    const full = this.prefix + checkPrefix(prefix);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: full,
          ...(token !== undefined && { ContinuationToken: token }),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) keys.push(object.Key.slice(this.prefix.length));
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  async deleteJob(jobId: string): Promise<void> {
    await this.deleteAll(await this.list(jobPrefix(jobId)));
  }

  async deleteJobFolder(jobId: string, folder: JobFolder): Promise<void> {
    await this.deleteAll(await this.list(jobPrefix(jobId, folder)));
  }

  /** Closes the client's connections (only a client this storage made). */
  close(): void {
    this.client.destroy();
  }

  private async deleteAll(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_CONCURRENCY) {
      await Promise.all(keys.slice(start, start + DELETE_CONCURRENCY).map((key) => this.delete(key)));
    }
  }

  private objectKey(key: string): string {
    return this.prefix + checkKey(key);
  }
}
