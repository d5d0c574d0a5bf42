/** Settings and store wiring shared by the job-store tests. */
import { parseSettingsOrThrow } from '../../src/core/settings/parse-settings.js';
import type { DeforumSettings } from '../../src/core/settings/schema.js';
import type { JobDatabase } from '../../src/jobs/database.js';
import { JobLeases } from '../../src/jobs/job-leases.js';
import { JobStore } from '../../src/jobs/job-store.js';
import { DEFAULT_JOB_STORE_CONFIG, type JobStoreConfig } from '../../src/jobs/store-config.js';

/** 512×512, 10 steps, cadence 1, strength 0.5 after frame 0: 10 + 5·(frames − 1) units. */
export function smallSettings(overrides: Readonly<Record<string, unknown>> = {}): DeforumSettings {
  return parseSettingsOrThrow(
    {
      W: 512,
      H: 512,
      steps: 10,
      max_frames: 4,
      diffusion_cadence: 1,
      strength_schedule: '0:(0.5)',
      use_init: false,
      init_image: null,
      ...overrides,
    },
    'test settings',
  );
}

export function testConfig(changes: Partial<JobStoreConfig> = {}): JobStoreConfig {
  return { ...DEFAULT_JOB_STORE_CONFIG, ...changes };
}

export function stores(db: JobDatabase, config: JobStoreConfig = testConfig()): { jobs: JobStore; leases: JobLeases } {
  return { jobs: new JobStore(db, config), leases: new JobLeases(db, config) };
}

/** The value, or a test failure naming what was missing. */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}`);
  return value;
}
