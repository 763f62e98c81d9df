import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/index.ts';
import { errorCodes } from '../errors/index.ts';
import { generatedDocs } from './write-docs.ts';

const repositoryRoot = new URL('../../../../', import.meta.url);
const committed = (file: string): string => readFileSync(new URL(file, repositoryRoot), 'utf8');

describe('generated documentation', () => {
  it.each(Object.entries(generatedDocs))('%s matches its source (run `npm run docs` to update it)', (file, render) => {
    expect(committed(file), `${file} is out of date: run \`npm run docs\` and commit the result`).toBe(render());
  });

  it('documents every configuration key', () => {
    const doc = committed('docs/configuration.md');

    for (const key of Object.keys(configSchema.shape)) expect(doc).toContain(`| \`${key}\` |`);
  });

  it('documents every error code', () => {
    const doc = committed('docs/errors.md');

    for (const code of Object.keys(errorCodes)) expect(doc).toContain(`| \`${code}\` |`);
  });
});
