/**
 * A real S3-compatible server (s3rver) on a random loopback port with the `deforum` bucket, and the AWS variables
 * that point openStorage at it: what the storage and CLI tests run against instead of a mock.
 */
import path from 'node:path';
import S3rver from 's3rver';

export interface TestS3Server {
  /** AWS_ENDPOINT_URL_S3 and the fixed S3rver credentials. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startS3Server(scratch: string): Promise<TestS3Server> {
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: path.join(scratch, 's3'),
    configureBuckets: [{ name: 'deforum' }],
  });
  const { port } = await server.run();
  return {
    env: {
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    },
    close: () => server.close(),
  };
}
