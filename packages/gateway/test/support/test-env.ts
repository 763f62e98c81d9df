// The one place the test suite reads the environment.

/** An existing database on the test server, used to create and drop one database per test. */
export const adminDatabaseUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
