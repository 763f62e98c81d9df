import { afterEach, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../../test/support/test-databases.ts';
import { openPostgres } from './open-postgres.ts';
import { createTestLogger } from '../../test/support/test-logger.ts';
import { migrations } from './migrations/index.ts';
import { pendingMigrations, runMigrations } from './run-migrations.ts';

describe.each(backends)('migrations on $name', (backend) => {
  let opened: TestDatabase | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('applies every migration once, then has nothing left to apply', async () => {
    opened = await backend.open();
    const { database } = opened;
    expect(await pendingMigrations(database)).toEqual(Object.keys(migrations));

    expect(await runMigrations(database)).toEqual(Object.keys(migrations));
    expect(await pendingMigrations(database)).toEqual([]);
    expect(await runMigrations(database)).toEqual([]);

    const tables = await database.kysely.introspection.getTables();
    expect(tables.map((table) => table.name)).toContain('gateway_installation');
  });
});

describe('migrations on one PostgreSQL database from several instances', () => {
  let opened: TestDatabase | undefined;
  afterEach(async () => {
    await opened?.cleanup();
  });

  it('lets instances starting together take turns: each migration is applied exactly once', async () => {
    opened = await backends.find((backend) => backend.name === 'postgres')!.open();
    const url = opened.url!;
    const instances = await Promise.all(
      [1, 2, 3, 4].map(async () => await openPostgres({ url, poolSize: 2, startupTimeoutSeconds: 5, logger: createTestLogger().logger })),
    );
    try {
      const applied = await Promise.all(instances.map(async (instance) => await runMigrations(instance)));
      expect(applied.flat()).toEqual(Object.keys(migrations));
      expect(applied.filter((names) => names.length > 0)).toHaveLength(1);
    } finally {
      await Promise.all(instances.map(async (instance) => await instance.close()));
    }
  });
});
