// Flat config: typescript-eslint's type-aware rules plus the import boundaries of the design (style.md B1).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const restricted = (paths) => ({ 'no-restricted-imports': ['error', { paths }] });
const SHARP = { name: 'sharp', message: 'Only src/core/image/codec.ts decodes and encodes images.' };
const FFMPEG = { name: 'fluent-ffmpeg', message: 'Only src/core/video/ touches ffmpeg.' };
const DISCORD = { name: 'discord.js', message: 'Only src/bot/ talks to Discord.' };
const DATABASE = ['@prisma/client', '@prisma/adapter-pg', 'pg'].map((name) => ({
  name,
  message: 'Only the store modules of src/jobs touch the database; call them instead.',
}));

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'out', 'coverage', 'src/jobs/generated'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='eval']", message: 'User text never reaches eval.' },
        { selector: "NewExpression[callee.name='Function']", message: 'User text never reaches Function.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/core/image/codec.ts', 'src/core/video/**', 'src/jobs/**', 'src/bot/**'],
    rules: restricted([SHARP, FFMPEG, ...DATABASE, DISCORD]),
  },
  { files: ['src/bot/**/*.ts'], rules: restricted([SHARP, FFMPEG, ...DATABASE]) },
  { files: ['src/jobs/**/*.ts'], rules: restricted([SHARP, FFMPEG, DISCORD]) },
  { files: ['src/core/video/**/*.ts'], rules: restricted([SHARP, DISCORD]) },
  { files: ['bin/**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
