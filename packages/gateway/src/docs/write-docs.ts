import { writeFileSync } from 'node:fs';
import { renderConfigDoc } from '../config/index.ts';
import { renderErrorsDoc } from '../errors/index.ts';

/** The generated documents, by path relative to the repository root. */
export const generatedDocs: Readonly<Record<string, () => string>> = {
  'docs/configuration.md': renderConfigDoc,
  'docs/errors.md': renderErrorsDoc,
};

if (import.meta.main) {
  const root = new URL('../../../../', import.meta.url);
  for (const [file, render] of Object.entries(generatedDocs)) {
    writeFileSync(new URL(file, root), render());
    process.stdout.write(`wrote ${file}\n`);
  }
}
