#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so a clone needs no build step before `deforum` works.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
