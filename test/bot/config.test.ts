/** loadBotConfig: defaults shared with the worker, comma lists, and one message naming every bad variable. */
import { describe, expect, it } from 'vitest';
import { loadBotConfig } from '../../src/bot/config.js';
import { DEFAULT_DATABASE_URL } from '../../src/jobs/database.js';

const REQUIRED = { DISCORD_TOKEN: 'token', DISCORD_APPLICATION_ID: '123456789012345678' };

describe('loadBotConfig', () => {
  it('fills the defaults the worker uses', () => {
    expect(loadBotConfig(REQUIRED)).toEqual({
      token: 'token',
      applicationId: '123456789012345678',
      apiUrl: null,
      databaseUrl: DEFAULT_DATABASE_URL,
      storageUrl: 'storage',
      models: ['sd-1.5-onnx'],
      progressEditMs: 3000,
      cdnOrigins: [],
      logLevel: 'info',
    });
  });

  it('reads comma lists, the API base and the storage URL', () => {
    const config = loadBotConfig({
      ...REQUIRED,
      DISCORD_API_URL: 'http://127.0.0.1:5000/api',
      DEFORUM_STORAGE_URL: 's3://bucket/prefix',
      DEFORUM_MODELS: ' sd-1.5-onnx, sdxl-turbo ,',
      DEFORUM_CDN_ORIGINS: 'http://127.0.0.1:5000',
      DEFORUM_PROGRESS_EDIT_MS: '5000',
    });
    expect(config).toMatchObject({
      apiUrl: 'http://127.0.0.1:5000/api',
      storageUrl: 's3://bucket/prefix',
      models: ['sd-1.5-onnx', 'sdxl-turbo'],
      cdnOrigins: ['http://127.0.0.1:5000'],
      progressEditMs: 5000,
    });
  });

  it('names every missing or invalid variable in one error', () => {
    expect(() => loadBotConfig({ DISCORD_APPLICATION_ID: 'my-bot', DEFORUM_MODELS: ' , ' })).toThrow(
      /DISCORD_TOKEN.*DISCORD_APPLICATION_ID: a Discord application id.*DEFORUM_MODELS/s,
    );
  });
});
