import type { Migration } from 'kysely/migration';
import * as installation from './0001-installation.ts';

/**
 * Every migration, in order. Names are numbered; a migration is never edited once released,
 * a new one is added instead.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-installation': installation,
};
